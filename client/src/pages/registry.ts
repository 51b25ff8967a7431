import { h } from '../lib/dom.ts';
import { registerPage } from '../lib/router.ts';
import { formatDate, formatDateTime, registerMessages, t } from '../lib/i18n.ts';
import { api, type Res } from '../lib/api.ts';
import { card, field, form, input, page, pagedTable, select, table } from '../lib/ui.ts';
import { TOWNSHIPS } from '../../../config/places.ts';

registerMessages({
  'zh-CN': {
    'registry.orgs': '单位登记',
    'registry.users': '用户管理',
    'registry.households': '贫困户名录',
    'registry.parks': '电商园区',
    'registry.bases': '直播基地',
    'org.type': '类型',
    'org.name': '名称',
    'org.creditCode': '统一社会信用代码',
    'org.township': '乡镇',
    'org.type.association': '电商行业协会',
    'org.type.enterprise': '电商企业',
    'org.type.station': '服务站点运营方',
    'user.username': '用户名',
    'user.password': '初始密码',
    'user.role': '角色',
    'user.org': '所属单位',
    'user.none': '（无）',
    'household.registryNo': '建档立卡编号',
    'household.name': '户主姓名',
    'household.village': '村',
    'household.registeredFrom': '建档日期',
    'park.name': '园区名称',
    'park.demo': '国家级电子商务示范基地',
    'park.yes': '是',
    'park.no': '否',
    'base.name': '基地名称',
    'base.filed': '备案',
    'base.filingNo': '备案号',
    'base.filedAt': '备案日期',
    'base.file': '登记备案',
    'base.notFiled': '未备案',
    'base.register': '登记直播基地',
    'common.createdAt': '创建时间',
  },
  en: {
    'registry.orgs': 'Organisations',
    'registry.users': 'Users',
    'registry.households': 'Household registry',
    'registry.parks': 'E-commerce parks',
    'registry.bases': 'Livestream bases',
    'org.type': 'Type',
    'org.name': 'Name',
    'org.creditCode': 'Unified social credit code',
    'org.township': 'Township',
    'org.type.association': 'E-commerce association',
    'org.type.enterprise': 'E-commerce enterprise',
    'org.type.station': 'Service station operator',
    'user.username': 'Username',
    'user.password': 'Initial password',
    'user.role': 'Role',
    'user.org': 'Organisation',
    'user.none': '(none)',
    'household.registryNo': 'Registry number',
    'household.name': 'Head of household',
    'household.village': 'Village',
    'household.registeredFrom': 'Registered from',
    'park.name': 'Park',
    'park.demo': 'National demonstration base',
    'park.yes': 'Yes',
    'park.no': 'No',
    'base.name': 'Base',
    'base.filed': 'Filing',
    'base.filingNo': 'Filing number',
    'base.filedAt': 'Filed on',
    'base.file': 'Record filing',
    'base.notFiled': 'Not filed',
    'base.register': 'Register a livestream base',
    'common.createdAt': 'Created',
  },
});

type Org = Res<'/orgs'>['items'][number];
type User = Res<'/users'>['items'][number];

const townshipOptions = (): [string, string][] => [['', '—'], ...TOWNSHIPS.map((x): [string, string] => [x, x])];

registerPage({
  path: '/registry/orgs',
  titleKey: 'registry.orgs',
  access: ['bureau', 'auditor'],
  nav: { labelKey: 'registry.orgs', roles: ['bureau', 'auditor'], order: 80 },
  render: async (ctx) => {
    const { el: list, reload: load } = pagedTable<Org>(
      (cursor) => api.get<'/orgs'>(`/orgs?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
      [
        { label: t('org.name'), value: (o) => o.name },
        { label: t('org.type'), value: (o) => t(`org.type.${o.type}`) },
        { label: t('org.creditCode'), value: (o) => o.creditCode ?? '—' },
        { label: t('org.township'), value: (o) => o.township ?? '—' },
        { label: t('common.createdAt'), value: (o) => formatDateTime(o.createdAt) },
      ],
      'orgs-table',
    );
    await load();
    const create =
      ctx.user?.role === 'bureau'
        ? card(
            t('common.create'),
            form(
              'org-form',
              [
                field(
                  t('org.type'),
                  select(
                    'type',
                    ['association', 'enterprise', 'station'].map((x): [string, string] => [x, t(`org.type.${x}`)]),
                  ),
                ),
                field(t('org.name'), input('name', { required: true })),
                field(t('org.creditCode'), input('creditCode', { maxlength: 18 })),
                field(t('org.township'), select('township', townshipOptions())),
              ],
              t('common.create'),
              async (v, f) => {
                await api.post('/orgs', {
                  type: v.type,
                  name: v.name,
                  ...(v.creditCode ? { creditCode: v.creditCode } : {}),
                  ...(v.township ? { township: v.township } : {}),
                });
                f.reset();
                await load();
              },
            ),
          )
        : null;
    return page(t('registry.orgs'), 'orgs-page', create, card(t('registry.orgs'), list));
  },
});

registerPage({
  path: '/registry/users',
  titleKey: 'registry.users',
  access: ['bureau', 'auditor'],
  nav: { labelKey: 'registry.users', roles: ['bureau', 'auditor'], order: 81 },
  render: async (ctx) => {
    const { items: orgs } = await api.all<'/orgs'>('/orgs');
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const { el: list, reload: load } = pagedTable<User>(
      (cursor) => api.get<'/users'>(`/users?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
      [
        { label: t('user.username'), value: (u) => u.username },
        { label: t('user.role'), value: (u) => t(`role.${u.role}`) },
        { label: t('user.org'), value: (u) => (u.orgId ? (orgName.get(u.orgId) ?? u.orgId) : '—') },
        { label: t('common.createdAt'), value: (u) => formatDateTime(u.createdAt) },
      ],
      'users-table',
    );
    await load();
    const create =
      ctx.user?.role === 'bureau'
        ? card(
            t('common.create'),
            form(
              'user-form',
              [
                field(t('user.username'), input('username', { required: true })),
                field(t('user.password'), input('password', { type: 'password', required: true, minlength: 8 })),
                field(
                  t('user.role'),
                  select(
                    'role',
                    ['bureau', 'association', 'host', 'enterprise', 'auditor'].map((r): [string, string] => [r, t(`role.${r}`)]),
                  ),
                ),
                field(
                  t('user.org'),
                  select('orgId', [
                    ['', t('user.none')],
                    ...orgs.map((o): [string, string] => [o.id, `${o.name} (${t(`org.type.${o.type}`)})`]),
                  ]),
                ),
              ],
              t('common.create'),
              async (v, f) => {
                await api.post('/users', {
                  username: v.username,
                  password: v.password,
                  role: v.role,
                  ...(v.orgId ? { orgId: v.orgId } : {}),
                });
                f.reset();
                await load();
              },
            ),
          )
        : null;
    return page(t('registry.users'), 'users-page', create, card(t('registry.users'), list));
  },
});

type Household = Res<'/households'>['items'][number];

registerPage({
  path: '/registry/households',
  titleKey: 'registry.households',
  access: ['bureau', 'auditor'],
  nav: { labelKey: 'registry.households', roles: ['bureau', 'auditor'], order: 82 },
  render: async (ctx) => {
    const { el: list, reload: load } = pagedTable<Household>(
      (cursor) => api.get<'/households'>(`/households?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
      [
        { label: t('household.registryNo'), value: (x) => x.registryNo },
        { label: t('household.name'), value: (x) => x.name },
        { label: t('org.township'), value: (x) => x.township },
        { label: t('household.village'), value: (x) => x.village },
        { label: t('household.registeredFrom'), value: (x) => x.registeredFrom },
      ],
      'households-table',
    );
    await load();
    const create =
      ctx.user?.role === 'bureau'
        ? card(
            t('common.create'),
            form(
              'household-form',
              [
                field(t('household.registryNo'), input('registryNo', { required: true })),
                field(t('household.name'), input('name', { required: true })),
                field(
                  t('org.township'),
                  select(
                    'township',
                    TOWNSHIPS.map((x): [string, string] => [x, x]),
                  ),
                ),
                field(t('household.village'), input('village', { required: true })),
                field(t('household.registeredFrom'), input('registeredFrom', { type: 'date', required: true })),
              ],
              t('common.create'),
              async (v, f) => {
                await api.post('/households', v);
                f.reset();
                await load();
              },
            ),
          )
        : null;
    return page(t('registry.households'), 'households-page', create, card(t('registry.households'), list));
  },
});

registerPage({
  path: '/registry/parks',
  titleKey: 'registry.parks',
  access: ['bureau', 'auditor', 'enterprise'],
  nav: { labelKey: 'registry.parks', roles: ['bureau', 'auditor'], order: 83 },
  render: async (ctx) => {
    const list = h('div');
    const load = async () => {
      const { items } = await api.get<'/parks'>('/parks');
      list.replaceChildren(
        table(
          items,
          [
            { label: t('park.name'), value: (x) => x.name },
            { label: t('park.demo'), value: (x) => (x.nationalDemoBase ? t('park.yes') : t('park.no')) },
          ],
          'parks-table',
        ),
      );
    };
    await load();
    const create =
      ctx.user?.role === 'bureau'
        ? card(
            t('common.create'),
            form(
              'park-form',
              [
                field(t('park.name'), input('name', { required: true })),
                field(
                  t('park.demo'),
                  select('nationalDemoBase', [
                    ['true', t('park.yes')],
                    ['false', t('park.no')],
                  ]),
                ),
              ],
              t('common.create'),
              async (v, f) => {
                await api.post('/parks', { name: v.name, nationalDemoBase: v.nationalDemoBase === 'true' });
                f.reset();
                await load();
              },
            ),
          )
        : null;
    return page(t('registry.parks'), 'parks-page', create, card(t('registry.parks'), list));
  },
});

type Base = Res<'/bases'>['items'][number];

registerPage({
  path: '/bases',
  titleKey: 'registry.bases',
  access: ['bureau', 'auditor', 'association'],
  nav: { labelKey: 'registry.bases', roles: ['bureau', 'auditor', 'association'], order: 20 },
  render: async (ctx) => {
    const role = ctx.user!.role;
    const paged = pagedTable<Base>(
      (cursor) => api.get<'/bases'>(`/bases?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
      [
        { label: t('base.name'), value: (b) => b.name },
        { label: t('base.filed'), value: (b) => (b.filed ? `${b.filingNo} · ${formatDate(b.filedAt)}` : t('base.notFiled')) },
        ...(role === 'bureau'
          ? [
              {
                label: t('base.file'),
                value: (b: Base) =>
                  b.filed
                    ? '✓'
                    : form(
                        `file-base-${b.id}`,
                        [
                          input('filingNo', { placeholder: t('base.filingNo'), required: true }),
                          input('filedAt', { type: 'date', required: true }),
                        ],
                        t('base.file'),
                        async (v) => {
                          await api.post(`/bases/${b.id}/filing`, { filingNo: v.filingNo, filedAt: `${v.filedAt}T00:00:00+08:00` });
                          await paged.reload();
                        },
                      ),
              },
            ]
          : []),
      ],
      'bases-table',
    );
    const { el: list, reload: load } = paged;
    await load();
    const create =
      role === 'association'
        ? card(
            t('base.register'),
            form('base-form', [field(t('base.name'), input('name', { required: true }))], t('common.create'), async (v, f) => {
              await api.post('/bases', { name: v.name });
              f.reset();
              await load();
            }),
          )
        : null;
    return page(t('registry.bases'), 'bases-page', create, card(t('registry.bases'), list));
  },
});
