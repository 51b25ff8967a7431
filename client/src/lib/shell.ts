import { h } from './dom.ts';
import { getLocale, setLocale, t } from './i18n.ts';
import { allPages } from './router.ts';
import { clearSession, type SessionUser } from './session.ts';

/** The signed-in frame: title bar, role-aware navigation, language toggle, sign-out. */
export function renderShell(
  user: SessionUser | null,
  content: HTMLElement,
  navigate: (path: string) => void,
  currentPath: string,
): HTMLElement {
  const navItems = user
    ? allPages()
        .filter((p) => p.nav && p.nav.roles.includes(user.role))
        .sort((a, b) => (a.nav!.order ?? 50) - (b.nav!.order ?? 50))
    : [];
  const link = (path: string, label: string) =>
    h(
      'a',
      {
        href: path,
        class: currentPath === path ? 'active' : '',
        onclick: (e: Event) => {
          e.preventDefault();
          navigate(path);
        },
      },
      label,
    );
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, h('strong', null, t('app.title')), h('span', { class: 'subtitle' }, t('app.subtitle'))),
      h(
        'div',
        { class: 'topbar-right' },
        user ? h('span', { class: 'who', 'data-testid': 'who' }, `${user.displayName ?? user.username} · ${t(`role.${user.role}`)}`) : null,
        h(
          'button',
          { class: 'link', 'data-testid': 'locale-toggle', onclick: () => setLocale(getLocale() === 'zh-CN' ? 'en' : 'zh-CN') },
          t('nav.language'),
        ),
        user
          ? h(
              'button',
              {
                class: 'link',
                'data-testid': 'logout',
                onclick: async () => {
                  // The hub revokes the token and clears its cookie; signed out locally whatever the answer.
                  await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
                  clearSession();
                  navigate('/login');
                },
              },
              t('nav.logout'),
            )
          : link('/login', t('login.title')),
      ),
    ),
    h(
      'div',
      { class: 'body' },
      // On a phone the side menu folds into a button above the content.
      navItems.length
        ? h(
            'button',
            {
              type: 'button',
              class: 'menu-toggle',
              'data-testid': 'menu-toggle',
              'aria-expanded': 'false',
              onclick: (e: Event) => {
                const nav = (e.currentTarget as HTMLElement).nextElementSibling as HTMLElement;
                const open = nav.classList.toggle('open');
                (e.currentTarget as HTMLElement).setAttribute('aria-expanded', String(open));
              },
            },
            `☰ ${t('nav.menu')}`,
          )
        : null,
      navItems.length
        ? h(
            'nav',
            { class: 'sidenav' },
            navItems.map((p) => link(p.path, t(p.nav!.labelKey))),
          )
        : null,
      h('main', { class: 'content' }, content),
    ),
  );
}
