/** Yuan inputs and amount confirmations: people type and read yuan; the hub stores integer fen. */
import { capitalYuan, formatYuan, parseYuan, type YuanError } from '../../../config/money.ts';
import { h } from './dom.ts';
import { registerMessages, t } from './i18n.ts';

export { capitalYuan, formatYuan, parseYuan };

registerMessages({
  'zh-CN': {
    'money.yuan': '元',
    'money.capital': '大写',
    'money.rmb': '人民币',
    'money.error.empty': '请输入金额',
    'money.error.format': '金额格式不正确，例如 60000 或 60,000.50',
    'money.error.too_many_decimals': '金额最多两位小数（到分）',
    'money.error.negative': '金额不能为负数',
    'money.error.too_large': '金额超出上限',
    'money.error.zero': '金额必须大于零',
    'money.confirm.title': '请核对金额',
    'money.confirm.figures': '小写',
    'money.confirm.ok': '确认无误',
    'money.confirm.cancel': '返回修改',
  },
  en: {
    'money.yuan': 'yuan',
    'money.capital': 'In words (大写)',
    'money.rmb': 'RMB',
    'money.error.empty': 'Enter an amount',
    'money.error.format': 'Not an amount; e.g. 60000 or 60,000.50',
    'money.error.too_many_decimals': 'At most two decimals (fen)',
    'money.error.negative': 'The amount may not be negative',
    'money.error.too_large': 'The amount is over the limit',
    'money.error.zero': 'The amount must be above zero',
    'money.confirm.title': 'Check the amount',
    'money.confirm.figures': 'Figures',
    'money.confirm.ok': 'Confirm',
    'money.confirm.cancel': 'Go back',
  },
});

export class YuanInputError extends Error {
  constructor(
    readonly reason: YuanError | 'zero',
    readonly fieldLabel: string,
  ) {
    super(`${fieldLabel}：${t(`money.error.${reason}`)}`);
  }
}

/** The fen a typed yuan string means, or a YuanInputError naming the field. */
export function fenFromYuan(typed: string, fieldLabel: string, { allowZero = false } = {}): number {
  const parsed = parseYuan(typed);
  if (!parsed.ok) throw new YuanInputError(parsed.error, fieldLabel);
  if (parsed.fen === 0 && !allowZero) throw new YuanInputError('zero', fieldLabel);
  return parsed.fen;
}

/**
 * A text input for yuan with a live line under it: the amount as read back (¥ and 大写) or why it is not one.
 * `onAmount` hears the fen (or null) as the person types.
 */
export function yuanInput(name: string, attrs: Record<string, unknown> = {}, onAmount?: (fen: number | null) => void): HTMLElement {
  const hint = h('small', { class: 'yuan-hint', 'data-testid': `${String(attrs['data-testid'] ?? name)}-hint` });
  const el = h('input', { name, inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', ...attrs });
  const update = () => {
    if (!el.value.trim()) {
      hint.textContent = '';
      hint.className = 'yuan-hint';
      onAmount?.(null);
      return;
    }
    const parsed = parseYuan(el.value);
    if (parsed.ok) {
      hint.textContent = `${formatYuan(parsed.fen)} · ${capitalYuan(parsed.fen)}`;
      hint.className = 'yuan-hint ok';
      onAmount?.(parsed.fen);
    } else {
      hint.textContent = t(`money.error.${parsed.error}`);
      hint.className = 'yuan-hint bad';
      onAmount?.(null);
    }
  };
  el.addEventListener('input', update);
  return h('span', { class: 'yuan-input' }, h('span', { class: 'yuan-prefix' }, '¥'), el, hint);
}

/** A modal that shows an amount in figures and in 大写 and resolves true only when the person confirms. */
export function confirmAmount(title: string, fen: number, lines: string[] = []): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (answer: boolean) => {
      overlay.remove();
      resolve(answer);
    };
    const overlay = h(
      'div',
      { class: 'modal-overlay', 'data-testid': 'amount-confirm' },
      h(
        'div',
        { class: 'modal', role: 'dialog', 'aria-modal': 'true' },
        h('h2', null, title || t('money.confirm.title')),
        lines.map((line) => h('p', null, line)),
        h(
          'dl',
          { class: 'amount-confirm' },
          h('dt', null, t('money.confirm.figures')),
          h('dd', { class: 'amount-figures', 'data-testid': 'amount-confirm-figures' }, formatYuan(fen)),
          h('dt', null, t('money.capital')),
          h('dd', { class: 'amount-capital', 'data-testid': 'amount-confirm-capital' }, `${t('money.rmb')} ${capitalYuan(fen)}`),
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'secondary', 'data-testid': 'amount-confirm-cancel', onclick: () => close(false) },
            t('money.confirm.cancel'),
          ),
          h(
            'button',
            { type: 'button', class: 'primary', 'data-testid': 'amount-confirm-ok', onclick: () => close(true) },
            t('money.confirm.ok'),
          ),
        ),
      ),
    );
    document.body.appendChild(overlay);
    (overlay.querySelector('[data-testid=amount-confirm-ok]') as HTMLButtonElement).focus();
  });
}
