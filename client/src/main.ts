import './styles.css';
import { h, replace } from './lib/dom.ts';
import { onLocaleChange, t } from './lib/i18n.ts';
import { matchPage, type PageContext } from './lib/router.ts';
import { currentSession } from './lib/session.ts';
import { renderShell } from './lib/shell.ts';
import { errorText } from './lib/errors.ts';
import './pages/index.ts';

const root = document.getElementById('app')!;
let cleanups: (() => void)[] = [];

function navigate(path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  void render();
}

async function render(): Promise<void> {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  const session = currentSession();
  const user = session?.user ?? null;
  if (location.pathname === '/') {
    history.replaceState(null, '', user ? '/home' : '/login');
  }
  const found = matchPage(location.pathname);
  if (!found) {
    replace(root, renderShell(user, h('section', { class: 'card' }, h('h1', null, t('notFound.title'))), navigate, location.pathname));
    return;
  }
  const { page, params } = found;
  if (page.access !== 'public' && !user) {
    history.replaceState(null, '', `/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    return render();
  }
  if (Array.isArray(page.access) && user && !page.access.includes(user.role)) {
    replace(root, renderShell(user, h('section', { class: 'card' }, h('h1', null, t('forbidden.title'))), navigate, location.pathname));
    return;
  }
  document.title = `${t(page.titleKey)} · ${t('app.title')}`;
  const ctx: PageContext = {
    params,
    query: new URLSearchParams(location.search),
    user,
    navigate,
    onLeave: (cleanup) => cleanups.push(cleanup),
  };
  const placeholder = h('div', { class: 'loading' }, t('common.loading'));
  replace(root, page.layout === 'bare' ? placeholder : renderShell(user, placeholder, navigate, location.pathname));
  try {
    const content = await page.render(ctx);
    placeholder.replaceWith(content);
  } catch (err) {
    placeholder.replaceWith(h('section', { class: 'card error' }, t('common.error', { message: errorText(err) })));
  }
}

window.addEventListener('popstate', () => void render());
window.addEventListener('hub:signed-out', () => navigate('/login'));
onLocaleChange(() => void render());
document.documentElement.lang = localStorage.getItem('hub.locale') ?? 'zh-CN';
void render();
