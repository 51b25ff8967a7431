/**
 * The hub's errors said in the reader's language: the server sends a stable `code` and `params`
 * (field, reason, amounts in fen, ISO times); this table turns them into a sentence with the field's label.
 * The server's English `message` is shown only in the English UI and only when no sentence is known.
 */
import { ApiError } from './api.ts';
import { formatDateTime, getLocale, registerMessages, t } from './i18n.ts';
import { formatYuan } from '../../../config/money.ts';
import { YuanInputError } from './money.ts';

const FIELDS: Record<string, [zh: string, en: string]> = {
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  role: ['角色', 'Role'],
  orgId: ['所属单位', 'Organisation'],
  name: ['名称', 'Name'],
  type: ['类型', 'Type'],
  creditCode: ['统一社会信用代码', 'Unified social credit code'],
  township: ['乡镇', 'Township'],
  village: ['村', 'Village'],
  registryNo: ['建档立卡编号', 'Registry no.'],
  registeredFrom: ['建档日期', 'Registered from'],
  nationalDemoBase: ['国家级示范基地', 'National demo base'],
  baseId: ['直播基地', 'Livestream base'],
  parkId: ['电商园区', 'Park'],
  filingNo: ['备案号', 'Filing no.'],
  filedAt: ['备案日期', 'Filed on'],
  studioId: ['直播间', 'Studio'],
  hostUserId: ['主播', 'Host'],
  title: ['标题', 'Title'],
  startsAt: ['开始时间', 'Starts at'],
  endsAt: ['结束时间', 'Ends at'],
  productIds: ['商品', 'Products'],
  productId: ['商品', 'Product'],
  category: ['类别', 'Category'],
  priceFen: ['价格', 'Price'],
  price: ['价格', 'Price'],
  stock: ['库存', 'Stock'],
  quantity: ['数量', 'Quantity'],
  householdRegistryNo: ['贫困户建档立卡编号', 'Household registry no.'],
  description: ['说明', 'Description'],
  amountFen: ['金额', 'Amount'],
  purchasedAt: ['采购日期', 'Purchased on'],
  invoiceCode: ['发票代码', 'Invoice code'],
  invoiceNo: ['发票号码', 'Invoice no.'],
  program: ['补助项目', 'Programme'],
  items: ['支出明细', 'Items'],
  procurementIds: ['采购记录', 'Procurements'],
  level: ['站点级别', 'Level'],
  decision: ['审核结论', 'Decision'],
  note: ['审核意见', 'Note'],
  approvedFen: ['核准金额', 'Approved amount'],
  voucherNo: ['拨付凭证号', 'Voucher no.'],
  paidAt: ['拨付日期', 'Paid on'],
  file: ['凭证文件', 'Evidence file'],
  text: ['内容', 'Text'],
  id: ['编号', 'Id'],
  itemId: ['明细', 'Item'],
  from: ['起始', 'From'],
  to: ['截止', 'To'],
  claySource: ['瓷土来源', 'Clay source'],
  kiln: ['窑口', 'Kiln'],
  firingDate: ['烧制日期', 'Firing date'],
  workshop: ['作坊', 'Workshop'],
  inspector: ['质检员', 'Inspector'],
  harvestDate: ['采收日期', 'Harvest date'],
  inspection: ['检验', 'Inspection'],
  cooperative: ['合作社', 'Cooperative'],
  brand: ['品牌', 'Brand'],
  giMark: ['地理标志', 'GI mark'],
  q: ['关键词', 'Search'],
  place: ['地点', 'Place'],
  responsible: ['责任人', 'Responsible person'],
  at: ['日期', 'Date'],
  kind: ['环节', 'Step'],
  photos: ['照片', 'Photos'],
  phone: ['手机号', 'Phone'],
};

/** Labels of the records a 404 names (server/platform/errors.ts NOT_FOUND_RESOURCES). */
export const RESOURCES: Record<string, [zh: string, en: string]> = {
  evidence_file: ['凭证文件', 'evidence file'],
  chat_message: ['弹幕', 'chat message'],
  trace_code: ['溯源码', 'trace code'],
  session: ['直播场次', 'session'],
  product: ['商品', 'product'],
  claim: ['申报', 'claim'],
  base: ['直播基地', 'base'],
  park: ['电商园区', 'park'],
  procurement: ['采购记录', 'procurement'],
  user: ['用户', 'user'],
  organisation: ['单位', 'organisation'],
  household: ['贫困户', 'household'],
  report: ['报表', 'report'],
  batch: ['批次', 'batch'],
  step: ['环节', 'step'],
  photo: ['照片', 'photo'],
  studio: ['直播间', 'studio'],
  transport: ['视频连接', 'video connection'],
  consumer: ['视频流', 'video stream'],
  item: ['支出明细', 'item'],
  policy: ['政策', 'policy'],
  programme: ['补助项目', 'programme'],
  job: ['任务', 'job'],
  order: ['订单', 'order'],
  address: ['收货地址', 'address'],
  station: ['服务站', 'station'],
  clip: ['回放片段', 'clip'],
  recording: ['录像', 'recording'],
  flash_sale: ['秒杀', 'flash sale'],
  whip_resource: ['推流连接', 'stream connection'],
};

/** States a wrong_state error can name: sessions, orders, report jobs. */
export const STATES: Record<string, [zh: string, en: string]> = {
  scheduled: ['待开播', 'scheduled'],
  live: ['直播中', 'live'],
  ended: ['已结束', 'ended'],
  cancelled: ['已取消', 'cancelled'],
  placed: ['已下单', 'placed'],
  paid: ['已付款', 'paid'],
  shipped: ['已发货', 'shipped'],
  arrived: ['已到站', 'arrived'],
  delivered: ['已签收', 'delivered'],
  completed: ['已完成', 'completed'],
  expired: ['已过期', 'expired'],
  refund_requested: ['申请退款', 'refund requested'],
  refunded: ['已退款', 'refunded'],
  waiting: ['排队中', 'waiting'],
  active: ['生成中', 'in progress'],
  delayed: ['等待中', 'delayed'],
  failed: ['失败', 'failed'],
  filed: ['已备案', 'filed'],
  draft: ['草稿', 'draft'],
  submitted: ['已提交', 'submitted'],
  assessed: ['已核算', 'assessed'],
  approved: ['已核准', 'approved'],
  returned: ['已退回', 'returned'],
  rejected: ['不予支持', 'rejected'],
};

registerMessages({
  'zh-CN': {
    'error.validation_failed': '「{field}」填写有误，请检查后再提交',
    'error.validation_failed.too_small': '「{field}」太短或太小（至少 {minimum}）',
    'error.validation_failed.too_small.string': '「{field}」不能为空',
    'error.validation_failed.too_small.array': '「{field}」至少需要 {minimum} 项',
    'error.validation_failed.too_big': '「{field}」超出上限（至多 {maximum}）',
    'error.validation_failed.too_big.string': '「{field}」太长（至多 {maximum} 个字）',
    'error.validation_failed.invalid_type': '「{field}」必须填写',
    'error.validation_failed.invalid_enum_value': '「{field}」请从列表中选择',
    'error.validation_failed.unrecognized_keys': '不能提交「{field}」这一项',
    'error.validation_failed.invalid_string': '「{field}」格式不正确',
    'error.bad_request': '「{field}」填写有误',
    'error.bad_request.nofield': '提交的内容有误，请检查后重试',
    'error.bad_request.above_proposed': '核准金额 {approvedFen} 高于建议补助 {proposedFen}：只能少批，不能多批',
    'error.malformed_json': '提交的内容无法识别，请刷新页面后重试',
    'error.payload_too_large': '文件或内容太大（上限 10 MB）',
    'error.unsupported_media_type': '凭证只能是 PDF、JPEG 或 PNG 文件',
    'error.unauthenticated': '请先登录',
    'error.invalid_credentials': '用户名或密码不正确',
    'error.forbidden': '您的角色或单位无权执行此操作',
    'error.not_found': '要找的记录不存在或已删除',
    'error.conflict': '与已有记录冲突',
    'error.conflict.duplicate': '「{field}」{value}已存在，不能重复登记',
    'error.double_booked': '{resource}在 {startsAt} 至 {endsAt} 已有排期（{title}），请换个时间',
    'error.double_booked.studio': '直播间',
    'error.double_booked.host': '主播',
    'error.wrong_state': '当前状态下不能进行此操作，请刷新页面查看最新状态',
    'error.cap_exhausted': '该单位此项目的累计补助上限 {capFen} 已用完，无可核准金额',
    'error.nothing_to_approve': '建议补助为 ¥0.00，无可核准金额；请退回或不予支持',
    'error.too_many_files': '每条明细最多 {maximum} 个凭证文件',
    'error.busy': '他人正在修改这份申报，请稍后重试',
    'error.sold_out': '库存不足：仅剩 {stock} 件',
    'error.too_many_requests': '操作太频繁，请稍后再试',
    'error.service_unavailable': '服务暂时不可用，请稍后再试',
    'error.media_unavailable': '直播服务暂时不可用，请稍后再试',
    'error.not_found.resource': '{resource}不存在或已删除',
    'error.unauthenticated.invalid_credentials': '用户名或密码不正确',
    'error.unauthenticated.deactivated': '该账号已停用，请联系县商务局',
    'error.wrong_state.status': '当前状态为「{status}」，不能进行此操作；请刷新页面查看最新状态',
    'error.wrong_state.off_sale': '该商品已下架',
    'error.wrong_state.filed': '该基地已备案（备案号 {filingNo}）',
    'error.too_many_steps': '每个批次最多登记 {maximum} 个环节',
    'error.stale_policy': '政策已有更新的版本 {latest}，请在最新版本的基础上发布',
    'error.bad_sdp': '推流软件发来的媒体描述（SDP）无法识别，请检查 OBS 的 WHIP 设置',
    'error.method_not_allowed': '此推流地址不支持该操作',
    'error.misdirected': '推流地址不完整，请复制直播间页面上的 WHIP 地址',
    'error.not_live': '直播尚未开始，请先在直播间开播',
    'error.already_publishing': '本场直播已有推流端，请先停止它（或更换推流密钥）',
    'error.too_many_addresses': '最多保存 {max} 个收货地址，请先删除一个',
    'error.unsafe_text': '「{field}」含有不允许的字符，请删除后再提交',
    'error.wrong_password': '当前密码不正确',
    'error.cannot_deactivate_self': '不能停用自己的账号，请由其他商务局用户操作',
    'error.phone_taken': '该手机号已注册，请直接登录',
    'error.signup_proof_invalid': '注册校验未通过，请刷新页面后重试',
    'error.pickup_code_wrong': '取件码不对，还可以再试 {triesLeft} 次',
    'error.pickup_locked': '取件码错误次数过多，此包裹已锁定，请 {retryAfterSeconds} 秒后再试',
    'error.not_paid': '这笔订单为银行转账，请先确认收款再发货',
    'error.already_checked_out': '这笔订单已填写收货和付款方式',
    'error.order_refused': '这笔订单未能成交，请重新下单',
    'error.idempotency_key_reused': '这笔订单已提交过，请刷新页面后重新下单',
    'error.stock_recounting': '库存正在核对，请稍后再试',
    'error.stale_deadline': '订单状态已更新，请刷新页面',
    'error.flash_sale_running': '本场已有秒杀在进行',
    'error.flash_sale_not_running': '秒杀已结束或尚未开始',
    'error.flash_sale_limit': '每人限购 {perBuyerLimit} 件，你还可以买 {left} 件',
    'error.media_full': '观看人数已满，请稍后再试',
    'error.media_full.connection': '本页面打开的视频连接过多，请刷新页面',
    'error.no_transport': '视频连接尚未建立，请刷新页面',
    'error.not_joined': '已离开直播间，请刷新页面重新进入',
    'error.already_joined': '本页面已进入直播间，请刷新页面',
    'error.already_producing': '已在推送直播画面',
    'error.not_video': '只有视频可以切换清晰度',
    'error.bad_input': '直播连接参数有误，请刷新页面后重试',
    'error.internal': '系统出错，已记录；请稍后再试或联系管理员',
    'error.network': '网络连接失败，请检查网络后重试',
    'error.unknown': '操作未成功（{status}），请稍后再试',
  },
  en: {
    'error.validation_failed': '“{field}” is not valid; check it and send again',
    'error.validation_failed.too_small': '“{field}” is too short or too small (at least {minimum})',
    'error.validation_failed.too_small.string': '“{field}” must not be empty',
    'error.validation_failed.too_small.array': '“{field}” needs at least {minimum} entries',
    'error.validation_failed.too_big': '“{field}” is over the limit (at most {maximum})',
    'error.validation_failed.too_big.string': '“{field}” is too long (at most {maximum} characters)',
    'error.validation_failed.invalid_type': '“{field}” is required',
    'error.validation_failed.invalid_enum_value': 'Choose “{field}” from the list',
    'error.validation_failed.unrecognized_keys': '“{field}” may not be sent',
    'error.validation_failed.invalid_string': '“{field}” is not in the right format',
    'error.bad_request': '“{field}” is not valid',
    'error.bad_request.nofield': 'The request is not valid; check it and try again',
    'error.bad_request.above_proposed': 'The approved amount {approvedFen} is above the proposed {proposedFen}: approve less, never more',
    'error.malformed_json': 'The request could not be read; reload the page and try again',
    'error.payload_too_large': 'The file or request is too large (10 MB limit)',
    'error.unsupported_media_type': 'Evidence must be a PDF, JPEG or PNG file',
    'error.unauthenticated': 'Sign in first',
    'error.invalid_credentials': 'Wrong username or password',
    'error.forbidden': 'Your role or organisation may not do this',
    'error.not_found': 'Not found (or deleted)',
    'error.conflict': 'Conflicts with an existing record',
    'error.conflict.duplicate': '“{field}” {value} already exists',
    'error.double_booked': 'The {resource} is already booked from {startsAt} to {endsAt} ({title}); pick another time',
    'error.double_booked.studio': 'studio',
    'error.double_booked.host': 'host',
    'error.wrong_state': 'Not possible in the current state; reload to see the latest',
    'error.cap_exhausted': "The organisation's cumulative cap of {capFen} for this programme is used up",
    'error.nothing_to_approve': 'The proposal is ¥0.00: nothing to approve; return or reject the claim',
    'error.too_many_files': 'An item holds at most {maximum} evidence files',
    'error.busy': 'Someone else is changing this claim; try again shortly',
    'error.sold_out': 'Only {stock} left in stock',
    'error.too_many_requests': 'Too many attempts; wait a moment',
    'error.service_unavailable': 'The service is unavailable for a moment; try again',
    'error.media_unavailable': 'Live media is unavailable for a moment; try again',
    'error.not_found.resource': 'The {resource} does not exist or was deleted',
    'error.unauthenticated.invalid_credentials': 'Wrong username or password',
    'error.unauthenticated.deactivated': 'This account is deactivated; ask the county commerce bureau',
    'error.wrong_state.status': 'Not possible while it is “{status}”; reload to see the latest',
    'error.wrong_state.off_sale': 'This product is no longer on sale',
    'error.wrong_state.filed': 'This base is already filed (filing no. {filingNo})',
    'error.too_many_steps': 'A batch holds at most {maximum} steps',
    'error.stale_policy': 'A newer policy version ({latest}) exists; start from it',
    'error.bad_sdp': "The encoder's media description (SDP) could not be read; check OBS's WHIP settings",
    'error.method_not_allowed': 'This stream address does not support that',
    'error.misdirected': 'The stream address is incomplete; copy the WHIP URL from the studio page',
    'error.not_live': 'The session is not live yet; go live in the studio first',
    'error.already_publishing': 'This session already has a publisher; stop it (or rotate the stream key) first',
    'error.too_many_addresses': 'At most {max} saved addresses; delete one first',
    'error.unsafe_text': '“{field}” contains characters that are not allowed; remove them and send again',
    'error.wrong_password': 'The current password is wrong',
    'error.cannot_deactivate_self': 'You cannot deactivate your own account; ask another bureau user',
    'error.phone_taken': 'This mobile number already has an account: sign in instead',
    'error.signup_proof_invalid': 'The sign-up check failed; reload the page and try again',
    'error.pickup_code_wrong': 'Wrong pick-up code; {triesLeft} tries left',
    'error.pickup_locked': 'Too many wrong codes: this parcel is locked; try again in {retryAfterSeconds} s',
    'error.not_paid': 'This order is paid by bank transfer: confirm the payment before shipping',
    'error.already_checked_out': 'This order already has its delivery and payment',
    'error.order_refused': 'The order did not go through; place it again',
    'error.idempotency_key_reused': 'This order was already sent; reload the page and order again',
    'error.stock_recounting': 'Stock is being recounted; try again shortly',
    'error.stale_deadline': 'The order changed meanwhile; reload the page',
    'error.flash_sale_running': 'A flash sale is already running in this session',
    'error.flash_sale_not_running': 'The flash sale has ended or has not started',
    'error.flash_sale_limit': 'At most {perBuyerLimit} per buyer; {left} left for you',
    'error.media_full': 'The live room is full; try again shortly',
    'error.media_full.connection': 'This page opened too many video connections; reload it',
    'error.no_transport': 'The video connection is not set up yet; reload the page',
    'error.not_joined': 'You left the live room; reload the page to join again',
    'error.already_joined': 'This page already joined the live room; reload it',
    'error.already_producing': 'The live picture is already being sent',
    'error.not_video': 'Only video has quality layers',
    'error.bad_input': 'The live connection parameters are wrong; reload the page and try again',
    'error.internal': 'Internal error (logged); try again or tell the operator',
    'error.network': 'Network error; check the connection and try again',
    'error.unknown': 'That did not work ({status}); try again',
  },
});

/** A field's label in the current language ("items.0.amountFen" → "金额（第 1 行）"). */
export function fieldLabel(path: string): string {
  const parts = path.split('.');
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p)) ?? path;
  const row = parts.find((p) => /^\d+$/.test(p));
  const zh = getLocale() === 'zh-CN';
  const label = FIELDS[last]?.[zh ? 0 : 1] ?? (zh ? '该项' : last);
  if (row === undefined) return label;
  return zh ? `第 ${Number(row) + 1} 行的${label}` : `${label} (row ${Number(row) + 1})`;
}

const FEN_PARAMS = /Fen$/;
const TIME_PARAMS = new Set(['startsAt', 'endsAt', 'at']);

function has(key: string): boolean {
  return t(key) !== key;
}

/** The sentence for a hub error in the current language. */
export function errorText(err: unknown): string {
  if (err instanceof YuanInputError) return err.message;
  if (!(err instanceof ApiError)) {
    // Socket acks (LiveRequestError) carry the same code + params.
    const coded = err as { code?: unknown; message?: string; params?: ApiError['params'] } | null;
    if (coded && typeof coded.code === 'string')
      return errorText(new ApiError(0, coded.code, coded.message ?? '', undefined, coded.params ?? {}));
    if (err instanceof TypeError) return t('error.network');
    return t('error.unknown', { status: '' });
  }
  const params: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(err.params ?? {})) {
    if (value === null || value === undefined) continue;
    if (FEN_PARAMS.test(key) && typeof value === 'number') params[key] = formatYuan(value);
    else if (TIME_PARAMS.has(key) && typeof value === 'string') params[key] = formatDateTime(value);
    else params[key] = typeof value === 'boolean' ? String(value) : value;
  }
  const rawField = typeof err.params?.field === 'string' ? err.params.field : null;
  if (rawField) params.field = fieldLabel(rawField);
  if (err.code === 'double_booked' && typeof params.resource === 'string') params.resource = t(`error.double_booked.${params.resource}`);
  const zh = getLocale() === 'zh-CN';
  let reason = typeof err.params?.reason === 'string' ? err.params.reason : typeof err.params?.rule === 'string' ? err.params.rule : null;
  const resource = typeof err.params?.resource === 'string' ? RESOURCES[err.params.resource] : undefined;
  if (err.code === 'not_found' && resource) {
    params.resource = resource[zh ? 0 : 1];
    reason ??= 'resource';
  }
  const state = typeof err.params?.status === 'string' ? err.params.status : null;
  if (err.code === 'wrong_state' && state) {
    if (has(`error.wrong_state.${state}`)) reason ??= state;
    else if (STATES[state]) {
      params.status = STATES[state][zh ? 0 : 1];
      reason ??= 'status';
    }
  }
  if (err.code === 'media_full' && err.params?.scope === 'connection') reason ??= 'connection';
  const base = `error.${err.code}`;
  const type = typeof err.params?.type === 'string' ? err.params.type : null;
  const candidates = [
    reason && type ? `${base}.${reason}.${type}` : null,
    reason ? `${base}.${reason}` : null,
    !rawField && has(`${base}.nofield`) ? `${base}.nofield` : null,
    base,
  ].filter((k): k is string => !!k && has(k));
  if (candidates.length) return t(candidates[0]!, params);
  if (getLocale() === 'en' && err.message) return err.message;
  return t('error.unknown', { status: err.status });
}
