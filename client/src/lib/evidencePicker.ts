/** A file picker with drag-and-drop and previews, for invoices and photos (PDF, JPEG, PNG). */
import { h } from './dom.ts';
import { registerMessages, t } from './i18n.ts';

registerMessages({
  'zh-CN': {
    'picker.drop': '拖入文件，或点击选择（PDF、JPG、PNG，单个不超过 10 MB）',
    'picker.photos': '拍照或选择照片',
    'picker.remove': '移除',
    'picker.tooBig': '{name} 超过 10 MB，未添加',
    'picker.badType': '{name} 不是 PDF、JPG 或 PNG，未添加',
  },
  en: {
    'picker.drop': 'Drop files here or click to choose (PDF, JPG, PNG, up to 10 MB each)',
    'picker.photos': 'Take or choose photos',
    'picker.remove': 'Remove',
    'picker.tooBig': '{name} is over 10 MB; not added',
    'picker.badType': '{name} is not a PDF, JPG or PNG; not added',
  },
});

const ACCEPT = 'application/pdf,image/png,image/jpeg';
const MAX_BYTES = 10 * 1024 * 1024;

export interface Picker {
  el: HTMLElement;
  files: () => File[];
  clear: () => void;
}

/**
 * `onAdd` set: files go straight to it (e.g. an upload to an existing item) and are not kept.
 * Otherwise the picker keeps them (with previews) until the form is sent.
 */
export function evidencePicker(
  testid: string,
  opts: { onAdd?: (files: File[]) => Promise<void>; imagesOnly?: boolean; label?: string } = {},
): Picker {
  let kept: File[] = [];
  const previews = h('div', { class: 'previews' });
  const note = h('small', { class: 'picker-note bad', role: 'status' });
  const inputEl = h('input', {
    type: 'file',
    multiple: true,
    accept: opts.imagesOnly ? 'image/png,image/jpeg' : ACCEPT,
    'data-testid': testid,
    ...(opts.imagesOnly ? { capture: 'environment' } : {}),
    onchange: () => {
      void add([...(inputEl.files ?? [])]);
      inputEl.value = '';
    },
  });
  const drawPreviews = () => {
    previews.replaceChildren(
      ...kept.map((file, i) => {
        const url = URL.createObjectURL(file);
        return h(
          'figure',
          { class: 'preview' },
          file.type.startsWith('image/')
            ? h('img', { src: url, alt: file.name, onload: () => URL.revokeObjectURL(url) })
            : h('span', { class: 'preview-doc' }, 'PDF'),
          h('figcaption', null, file.name),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'aria-label': t('picker.remove'),
              onclick: () => {
                kept.splice(i, 1);
                drawPreviews();
              },
            },
            '✕',
          ),
        );
      }),
    );
  };
  const add = async (files: File[]) => {
    const problems: string[] = [];
    const ok = files.filter((f) => {
      if (f.size > MAX_BYTES) problems.push(t('picker.tooBig', { name: f.name }));
      else if (f.type && !ACCEPT.split(',').includes(f.type)) problems.push(t('picker.badType', { name: f.name }));
      else return true;
      return false;
    });
    note.textContent = problems.join('；');
    if (!ok.length) return;
    if (opts.onAdd) await opts.onAdd(ok);
    else {
      kept = [...kept, ...ok];
      drawPreviews();
    }
  };
  const zone = h(
    'label',
    {
      class: 'dropzone',
      ondragover: (e: DragEvent) => {
        e.preventDefault();
        zone.classList.add('over');
      },
      ondragleave: () => zone.classList.remove('over'),
      ondrop: (e: DragEvent) => {
        e.preventDefault();
        zone.classList.remove('over');
        void add([...(e.dataTransfer?.files ?? [])]);
      },
    },
    h('span', null, opts.label ?? (opts.imagesOnly ? t('picker.photos') : t('picker.drop'))),
    inputEl,
  );
  return {
    el: h('div', { class: 'picker' }, zone, previews, note),
    files: () => kept,
    clear: () => {
      kept = [];
      drawPreviews();
    },
  };
}
