import { h } from '../lib/dom.ts';
import { registerPage, allPages } from '../lib/router.ts';
import { registerMessages, t } from '../lib/i18n.ts';
import { api } from '../lib/api.ts';
import { card, page } from '../lib/ui.ts';
import type { Role, SessionUser } from '../lib/session.ts';

registerMessages({
  'zh-CN': {
    'home.bureau': '县工信商务局工作台',
    'home.association': '电商行业协会工作台',
    'home.host': '主播工作台',
    'home.enterprise': '企业工作台',
    'home.auditor': '审计工作台',
    'home.org': '所属单位',
    'home.quicklinks': '常用功能',
    'home.figures': '概况',
    'home.orgs': '登记单位',
    'home.users': '用户',
    'home.households': '建档立卡贫困户',
    'home.bases': '直播基地',
    'home.unfiled': '待备案基地',
  },
  en: {
    'home.bureau': 'Commerce bureau desk',
    'home.association': 'Association desk',
    'home.host': 'Host desk',
    'home.enterprise': 'Enterprise desk',
    'home.auditor': 'Auditor desk',
    'home.org': 'Organisation',
    'home.quicklinks': 'Quick links',
    'home.figures': 'Figures',
    'home.orgs': 'Organisations',
    'home.users': 'Users',
    'home.households': 'Poverty households',
    'home.bases': 'Livestream bases',
    'home.unfiled': 'Bases awaiting filing',
  },
});

function quickLinks(user: SessionUser, navigate: (p: string) => void): HTMLElement {
  const links = allPages().filter((p) => p.nav && p.nav.roles.includes(user.role) && p.path !== '/home');
  return card(
    t('home.quicklinks'),
    h(
      'div',
      { class: 'tiles' },
      links.map((p) =>
        h(
          'a',
          {
            class: 'tile',
            href: p.path,
            onclick: (e: Event) => {
              e.preventDefault();
              navigate(p.path);
            },
          },
          t(p.nav!.labelKey),
        ),
      ),
    ),
  );
}

function figure(label: string, value: number | string, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'figure', 'data-testid': testid },
    h('div', { class: 'figure-value' }, String(value)),
    h('div', { class: 'figure-label' }, label),
  );
}

async function bureauFigures(role: Role): Promise<HTMLElement> {
  const [orgs, users, bases, households] = await Promise.all([
    api.all<'/orgs'>('/orgs'),
    api.all<'/users'>('/users'),
    api.all<'/bases'>('/bases'),
    role === 'bureau' || role === 'auditor' ? api.get<'/households'>('/households?limit=1') : Promise.resolve({ total: 0 }),
  ]);
  return card(
    t('home.figures'),
    h(
      'div',
      { class: 'figures' },
      figure(t('home.orgs'), orgs.items.length, 'figure-orgs'),
      figure(t('home.users'), users.items.length, 'figure-users'),
      figure(t('home.households'), households.total, 'figure-households'),
      figure(t('home.bases'), bases.items.length, 'figure-bases'),
      figure(t('home.unfiled'), bases.items.filter((b) => !b.filed).length, 'figure-unfiled'),
    ),
  );
}

registerPage({
  path: '/home',
  titleKey: 'nav.home',
  access: 'signed-in',
  nav: { labelKey: 'nav.home', roles: ['bureau', 'association', 'host', 'enterprise', 'auditor'], order: 0 },
  render: async (ctx) => {
    const user = ctx.user!;
    const sections: HTMLElement[] = [];
    if (user.orgId) {
      const org = await api.get<'/orgs/{id}'>(`/orgs/${user.orgId}`);
      sections.push(card(t('home.org'), h('p', { 'data-testid': 'home-org' }, org.name, org.township ? ` · ${org.township}` : '')));
    }
    if (user.role === 'bureau' || user.role === 'auditor') sections.push(await bureauFigures(user.role));
    sections.push(quickLinks(user, ctx.navigate));
    return page(t(`home.${user.role}`), `home-${user.role}`, sections);
  },
});
