import type { Role, SessionUser } from './session.ts';

export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  user: SessionUser | null;
  navigate: (path: string) => void;
  /** Runs when the page is left (close sockets, stop timers). */
  onLeave: (cleanup: () => void) => void;
}

export interface PageDef {
  /** Path pattern, e.g. `/studio/:sessionId`. */
  path: string;
  titleKey: string;
  /** Who may open it: 'public' needs no sign-in. */
  access: 'public' | 'signed-in' | Role[];
  /** Shown in the shell's navigation for these roles. */
  nav?: { labelKey: string; roles: Role[]; order?: number };
  /** 'bare' pages (big screen, viewer) render without the shell. */
  layout?: 'shell' | 'bare';
  render: (ctx: PageContext) => HTMLElement | Promise<HTMLElement>;
}

const pages: PageDef[] = [];

/** Pages plug in here, each from its own module. */
export function registerPage(page: PageDef): void {
  pages.push(page);
}

export function allPages(): readonly PageDef[] {
  return pages;
}

export function matchPage(pathname: string): { page: PageDef; params: Record<string, string> } | null {
  for (const page of pages) {
    const names: string[] = [];
    const pattern = page.path.replace(/\/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      names.push(name);
      return '/([^/]+)';
    });
    const match = new RegExp(`^${pattern}/?$`).exec(pathname);
    if (match) {
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
      return { page, params };
    }
  }
  return null;
}
