/** zh-CN first, English beside it. Pages register their own messages next to their code. */
import { formatYuan } from '../../../config/money.ts';
export type Locale = 'zh-CN' | 'en';
type Messages = Record<string, string>;

const dictionaries: Record<Locale, Messages> = { 'zh-CN': {}, en: {} };
let locale: Locale = (localStorage.getItem('hub.locale') as Locale | null) ?? 'zh-CN';
const listeners: (() => void)[] = [];

export function registerMessages(messages: { 'zh-CN': Messages; en: Messages }): void {
  Object.assign(dictionaries['zh-CN'], messages['zh-CN']);
  Object.assign(dictionaries.en, messages.en);
}

/** Looks a key up in the current locale, falling back to Chinese, then the key; `{name}` placeholders are filled. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const template = dictionaries[locale][key] ?? dictionaries['zh-CN'][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** True when `locale` itself has `key` (t() falls back to Chinese, so it cannot tell). */
export function hasMessage(target: Locale, key: string): boolean {
  return key in dictionaries[target];
}

export function getLocale(): Locale {
  return locale;
}

export function setLocale(next: Locale): void {
  locale = next;
  localStorage.setItem('hub.locale', next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): void {
  listeners.push(listener);
}

/** Integer fen as ¥1,234.56, never through floating-point arithmetic on the amount. */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return formatYuan(Math.trunc(fen));
}

/** The Beijing calendar date of an instant, without an invented time (filing dates, payment dates). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(locale === 'en' ? 'en-CA' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  // County business runs on Beijing time whatever the viewer's machine says.
  return new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

registerMessages({
  'zh-CN': {
    'app.title': '德化电商直播服务平台',
    'app.subtitle': '国家级电子商务进农村综合示范县',
    'nav.home': '工作台',
    'nav.logout': '退出登录',
    'nav.menu': '菜单',
    'nav.language': 'English',
    'login.title': '登录',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.failed': '登录失败：{message}',
    'role.bureau': '县工信商务局',
    'role.association': '电商行业协会',
    'role.host': '主播',
    'role.enterprise': '电商企业',
    'role.auditor': '审计',
    'role.buyer': '买家',
    'common.save': '保存',
    'common.create': '新建',
    'common.cancel': '取消',
    'common.loading': '加载中…',
    'common.empty': '暂无记录',
    'common.loadMore': '加载更多',
    'common.error': '出错了：{message}',
    'common.saved': '已保存',
    'notFound.title': '页面不存在',
    'forbidden.title': '无权访问此页面',
  },
  en: {
    'app.title': 'Dehua Live Hub',
    'app.subtitle': 'National rural e-commerce demonstration county',
    'nav.home': 'Home',
    'nav.logout': 'Sign out',
    'nav.menu': 'Menu',
    'nav.language': '中文',
    'login.title': 'Sign in',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.failed': 'Sign-in failed: {message}',
    'role.bureau': 'County Commerce Bureau',
    'role.association': 'E-commerce Association',
    'role.host': 'Host',
    'role.enterprise': 'Enterprise',
    'role.auditor': 'Auditor',
    'role.buyer': 'Buyer',
    'common.save': 'Save',
    'common.create': 'Create',
    'common.cancel': 'Cancel',
    'common.loading': 'Loading…',
    'common.empty': 'Nothing yet',
    'common.loadMore': 'Load more',
    'common.error': 'Something went wrong: {message}',
    'common.saved': 'Saved',
    'notFound.title': 'Page not found',
    'forbidden.title': 'You may not open this page',
  },
});
