import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { t } from '../lib/i18n.ts';
import { errorText } from '../lib/errors.ts';
import { api, ApiError } from '../lib/api.ts';
import { saveSession } from '../lib/session.ts';

registerPage({
  path: '/login',
  titleKey: 'login.title',
  access: 'public',
  render: (ctx) => {
    const status = h('p', { class: 'form-status bad', role: 'alert', 'data-testid': 'login-error' });
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
    const password = h('input', {
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      'data-testid': 'login-password',
    });
    const form = h(
      'form',
      {
        class: 'form login',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.textContent = '';
          try {
            const result = await api.post<'/auth/login'>('/auth/login', {
              username: username.value,
              password: password.value,
            });
            saveSession(result.user, result.expiresIn);
            ctx.navigate(ctx.query.get('next') || '/home');
          } catch (err) {
            // On this form a 401 can only mean the name or password is wrong.
            status.textContent = t('login.failed', {
              message: err instanceof ApiError && err.code === 'unauthenticated' ? t('error.invalid_credentials') : errorText(err),
            });
          }
        },
      },
      h('label', { class: 'field' }, h('span', null, t('login.username')), username),
      h('label', { class: 'field' }, h('span', null, t('login.password')), password),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'))),
      status,
    );
    return h('section', { class: 'card narrow', 'data-testid': 'login-page' }, h('h1', null, t('login.title')), form);
  },
});
