import { h, type Child } from './dom.ts';
import { t } from './i18n.ts';
import { errorText } from './errors.ts';

export interface Column<T> {
  label: string;
  value: (row: T) => Child;
}

/** A plain table; `testid` lets browser tests find it. */
export function table<T>(rows: T[], columns: Column<T>[], testid?: string): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty', 'data-testid': testid }, t('common.empty'));
  return h(
    'table',
    { class: 'table', 'data-testid': testid },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', null, c.label)),
      ),
    ),
    // data-label lets a phone show each row as a card with its labels.
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          null,
          columns.map((c) => h('td', c.label ? { 'data-label': c.label } : null, c.value(row))),
        ),
      ),
    ),
  );
}

/** One page of a keyset-paged list (GET …?limit=&cursor= → {items, nextCursor}). */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * A keyset-paged list: the first page, then a "load more" button while the server says another
 * page follows. `reload()` starts again from the first page (after a create).
 */
export function pagedList<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  render: (rows: T[]) => HTMLElement,
  testid: string,
): { el: HTMLElement; reload: () => Promise<void> } {
  const el = h('div');
  let rows: T[] = [];
  const show = (next: string | null) => {
    const more = next
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-testid': `${testid}-more`,
            onclick: async (e: Event) => {
              (e.currentTarget as HTMLButtonElement).disabled = true;
              const res = await fetchPage(next);
              rows = [...rows, ...res.items];
              show(res.nextCursor ?? null);
            },
          },
          t('common.loadMore'),
        )
      : null;
    el.replaceChildren(render(rows), ...(more ? [more] : []));
  };
  const reload = async () => {
    const res = await fetchPage(null);
    rows = res.items;
    show(res.nextCursor ?? null);
  };
  return { el, reload };
}

export function pagedTable<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  columns: Column<T>[],
  testid: string,
): { el: HTMLElement; reload: () => Promise<void> } {
  return pagedList(fetchPage, (rows) => table(rows, columns, testid), testid);
}

export function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', null, label), input);
}

export function input(name: string, attrs: Record<string, unknown> = {}): HTMLInputElement {
  return h('input', { name, ...attrs });
}

export function select(name: string, options: [value: string, label: string][], attrs: Record<string, unknown> = {}): HTMLSelectElement {
  return h(
    'select',
    { name, ...attrs },
    options.map(([value, label]) => h('option', { value }, label)),
  );
}

/** A form that collects its named fields, calls `submit`, and shows the hub's error message on failure. */
export function form(
  testid: string,
  fields: HTMLElement[],
  submitLabel: string,
  submit: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const status = h('p', { class: 'form-status', role: 'status', 'data-testid': `${testid}-status` });
  const button = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const el: HTMLFormElement = h(
    'form',
    {
      class: 'form',
      'data-testid': testid,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const values: Record<string, string> = {};
        new FormData(el).forEach((v, k) => {
          if (typeof v === 'string') values[k] = v;
        });
        button.disabled = true;
        status.className = 'form-status';
        status.textContent = '';
        try {
          await submit(values, el);
          status.textContent = t('common.saved');
          status.classList.add('ok');
        } catch (err) {
          status.textContent = errorText(err);
          status.classList.add('bad');
        } finally {
          button.disabled = false;
        }
      },
    },
    fields,
    h('div', { class: 'actions' }, button),
    status,
  );
  return el;
}

export function card(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), children);
}

export function page(title: string, testid: string, ...children: Child[]): HTMLElement {
  return h('div', { class: 'page', 'data-testid': testid }, h('h1', null, title), children);
}
