// anzexian workbench: plain JavaScript, no build step, nothing fetched but
// this server's API. Every text from an answer or a ruleset is put in the
// page as text (textContent), never as markup.
'use strict';

(() => {
const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
};
const svgEl = (tag, attrs) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};

// ---------------------------------------------------------------- language

const I18N = {
  en: {
    'app.title': 'Work-safety liability insurance workbench',
    'tab.assess': 'Assess', 'tab.rulesets': 'Rulesets', 'tab.edit': 'Edit & test', 'tab.impact': 'Impact',
    'login.title': 'An API key is needed', 'login.key': 'Key', 'login.save': 'Use this key', 'login.logout': 'Sign out',
    'login.explain': 'This server asks for an API key. The key is kept in this tab\'s sessionStorage only (gone when the tab closes) and sent with every request as Authorization: Bearer.',
    'assess.at': 'As of', 'assess.insurer': 'Insurer (optional)', 'assess.trace': 'Show the rule trace',
    'assess.paste': 'Paste YAML / JSON', 'assess.form': 'Fill in a form', 'assess.sample': 'Sample enterprise', 'assess.run': 'Assess',
    'assess.placeholder': 'name: An enterprise\nregion: "430100"\nsectors: [hazardous_chemicals.storage]\nemployees: 120',
    'form.enterprise': 'Enterprise', 'form.name': 'Name', 'form.region': 'Region code', 'form.sectors': 'Sectors', 'form.employees': 'Employees',
    'form.risk_level': 'Safety risk level', 'form.standardization': 'Standardization level', 'form.credit': 'Credit grade',
    'form.blacklisted': 'On the joint-punishment list', 'form.policy': 'Current policy (optional)', 'form.insurer': 'Insurer',
    'form.start': 'Start', 'form.end': 'End (last day covered)', 'form.insured': 'Employees insured', 'form.death': 'Death limit per person (yuan)',
    'form.disability': 'Disability limit per person (yuan)',
    'out.rendered': 'Answer', 'out.text': 'Text',
    'r.obligation': '1. Must it insure?', 'r.findings': 'Findings on the policy', 'r.premium': '2. Premium', 'r.penalties': '3. What it risks',
    'r.consequences': 'Other consequences', 'r.rulesets': 'Rulesets used', 'r.nopremium': 'No premium: ', 'r.none': 'None.',
    'ws.base': 'Base premium', 'ws.factors': 'Factors', 'ws.combined': 'Combined adjustment', 'ws.clamp': 'Clamp', 'ws.applied': 'Applied',
    'ws.before_minimum': 'Base × adjustment', 'ws.minimum': 'Minimum premium', 'ws.rounding': 'Rounding', 'ws.amount': 'Premium',
    'ws.cap': 'Prevention budget cap', 'ws.hit': 'reached', 'ws.nothit': 'not reached', 'ws.applied_min': 'applied', 'ws.not_applied': 'not applied',
    'tag.illustrative': 'illustrative', 'tag.unverified': 'unverified',
    'p.fine': 'Fine', 'p.perday': 'Daily fine', 'p.nofine': 'No fine', 'p.measures': 'Measures', 'p.undetermined': 'Cannot compute: missing ',
    'rs.digest': 'Digest of the rulesets served', 'rs.key': 'Ruleset', 'rs.title': 'Title', 'rs.region': 'Region', 'rs.kind': 'Kind',
    'rs.status': 'Status', 'rs.effective': 'In force', 'rs.origin': 'From', 'rs.file': 'File', 'rs.digest1': 'digest', 'rs.edit': 'Copy and edit',
    'edit.name': 'File name', 'edit.filter': 'Only cases matching', 'edit.diagnostics': 'Diagnostics', 'edit.run': 'Test with the example cases', 'edit.impact': 'Impact →',
    'edit.placeholder': 'Pick a ruleset under "Rulesets" and copy it to edit, or upload a ruleset file.',
    'edit.coverage': 'Rule coverage', 'cov.covered': 'Covered', 'cov.uncovered': 'Not exercised',
    'lint.checking': 'checking…', 'lint.ok': 'no problems', 'lint.counts': '{e} error(s), {w} warning(s)',
    'test.summary': '{n} cases, {f} failed', 'test.running': 'running the cases…', 'test.coverage': '{c} of {i} items exercised ({p}%)',
    'impact.rulesets': 'Edited rulesets', 'impact.generate': 'Generate a sample book', 'impact.count': 'Enterprises', 'impact.seed': 'Seed',
    'impact.upload': 'Upload a book (JSONL, CSV, XLSX)', 'impact.run': 'Run the impact', 'impact.enterprises': 'Compared',
    'impact.inscope': 'In the edit\'s scope', 'impact.changed': 'Changed', 'impact.total': 'Premium total (before → after)',
    'impact.download': 'Download', 'impact.dl.changed': 'Changed enterprises (CSV)', 'impact.dl.xlsx': 'Report workbook (XLSX)',
    'impact.dl.html': 'Report page (HTML)', 'impact.premium': 'Premium changes', 'impact.hist': 'Distribution of the change (yuan)',
    'impact.histpct': 'Distribution of the change (%)', 'impact.matrix': 'Obligation (before × after)', 'impact.diff': 'What the edit changed',
    'impact.breakdowns': 'Breakdowns', 'impact.movers': 'Largest movers', 'impact.penalties': 'Penalties',
    'impact.counts': '{b} priced under both: {u} unchanged, {i} up, {d} down; {bp} priced only after, {np} only before.',
    'impact.noedit': 'Edit a ruleset under "Edit & test" first.', 'impact.nofile': 'Choose a book file.', 'impact.running': 'comparing…',
    'impact.new': 'new', 'impact.vanished': 'vanished', 'impact.changedfine': 'fine changed',
    'bd.province': 'By province', 'bd.city': 'By city', 'bd.sector_family': 'By sector family', 'bd.obligation': 'By obligation (after)',
    'col.group': 'Group', 'col.enterprises': 'Enterprises', 'col.changed': 'Changed', 'col.up': 'Up', 'col.down': 'Down',
    'col.before': 'Before', 'col.after': 'After', 'col.change': 'Change', 'col.pct': '%', 'col.enterprise': 'Enterprise', 'col.movedby': 'Moved by',
    'busy': 'working…', 'done': 'done in {t} ms', 'yuan': 'yuan',
    'footer': 'Rules are data: every answer names the rulesets it rests on, with their digests.',
    'r.timeline': '4. Timeline', 'tl.obligation': 'Obligation', 'tl.cover': 'Cover', 'tl.records': 'Enforcement records',
    'tl.days': '{n} days', 'tl.overdue': 'not rectified after the deadline: {f} – {t}, {n} days', 'tl.refusal': 'refusal found {o}: daily fine {f} – {t}, {n} days',
    'tl.omitted': '{n} more not shown', 'tl.draft': 'draft only',
    'st.insured': 'insured', 'st.deficient': 'insured, short of the national rules', 'st.uninsured': 'uninsured', 'st.undetermined': 'undetermined',
    'st.not_operating': 'not yet operating', 'st.no_duty': 'no duty to insure', 'st.closed': 'closed',
    'p.draft': 'draft only', 'p.alternative': 'an alternative to {v}: compared, never added', 'p.fined': 'already fined {d} {a} ({r}): not fined again',
    'p.days': 'days the records prove: {n}', 'prem.provisional': 'provisional', 'prem.range': 'range {min} – {max} (a fact missing: {m})',
  },
};
const OBLIGATION_EN = { mandatory: 'must insure (a national high-risk sector)', required: 'must insure (a local rule)', encouraged: 'encouraged to insure', none: 'no rule' };

let lang = localStorage.getItem('anzexian.lang') === 'en' ? 'en' : 'zh';
const zhText = new Map(); // the page's Chinese, read once

function t(key, vars) {
  let s = lang === 'en' ? (I18N.en[key] ?? zhText.get(key) ?? key) : (zhText.get(key) ?? ZH[key] ?? key);
  for (const [k, v] of Object.entries(vars || {})) s = s.replaceAll('{' + k + '}', v);
  return s;
}
// Chinese strings used only from script (the rest are in the page).
const ZH = {
  'r.nopremium': '无保费：', 'r.none': '无。', 'ws.base': '基准保费', 'ws.factors': '浮动因子', 'ws.combined': '合成浮动系数', 'ws.clamp': '浮动上下限',
  'ws.applied': '适用浮动系数', 'ws.before_minimum': '基准保费 × 浮动系数', 'ws.minimum': '最低保费', 'ws.rounding': '舍入', 'ws.amount': '保费',
  'ws.cap': '事故预防服务费用上限', 'ws.hit': '触及', 'ws.nothit': '未触及', 'ws.applied_min': '适用', 'ws.not_applied': '未适用',
  'tag.illustrative': '示例值', 'tag.unverified': '条文未核实', 'p.fine': '罚款', 'p.perday': '按日连续罚款', 'p.nofine': '不予罚款',
  'p.measures': '措施', 'p.undetermined': '罚款数额无法计算：缺少 ',
  'lint.checking': '检查中…', 'lint.ok': '没有问题', 'lint.counts': '{e} 个错误，{w} 个警告',
  'test.summary': '{n} 个案例，{f} 个失败', 'test.running': '正在运行案例…', 'test.coverage': '{i} 项中覆盖 {c} 项（{p}%）',
  'impact.counts': '两者都有保费的 {b} 家：不变 {u}，上升 {i}，下降 {d}；仅修改后有保费 {bp}，仅修改前有保费 {np}。',
  'impact.noedit': '请先在“编辑与测试”中编辑一个规则集。', 'impact.nofile': '请选择企业清单文件。', 'impact.running': '比较中…',
  'impact.new': '新增', 'impact.vanished': '不再有', 'impact.changedfine': '罚款幅度变化',
  'bd.province': '按省份', 'bd.city': '按城市', 'bd.sector_family': '按行业', 'bd.obligation': '按投保义务（修改后）',
  'col.group': '分组', 'col.enterprises': '企业', 'col.changed': '变化', 'col.up': '上升', 'col.down': '下降', 'col.before': '修改前',
  'col.after': '修改后', 'col.change': '变化', 'col.pct': '%', 'col.enterprise': '企业', 'col.movedby': '变化原因',
  'busy': '处理中…', 'done': '用时 {t} 毫秒', 'yuan': '元',
  'tl.obligation': '投保义务', 'tl.cover': '投保状态', 'tl.records': '执法记录', 'tl.days': '{n}日',
  'tl.overdue': '逾期未改正：{f} ─ {t}，{n}日', 'tl.refusal': '{o} 认定拒不改正：按日计罚 {f} ─ {t}，{n}日', 'tl.omitted': '另有 {n} 项未列出', 'tl.draft': '草案要求',
  'st.insured': '已投保', 'st.deficient': '已投保但不符合国家规定', 'st.uninsured': '未投保', 'st.undetermined': '无法确定',
  'st.not_operating': '尚未生产经营', 'st.no_duty': '没有投保义务', 'st.closed': '已关闭',
  'p.draft': '草案要求', 'p.alternative': '与 {v} 择一：二者不相加', 'p.fined': '已罚款：{d} {a}（{r}），不再重复罚款',
  'p.days': '有记录证明的天数：{n}日', 'prem.provisional': '暂定', 'prem.range': '区间 {min} – {max}（缺少事实：{m}）',
};

function applyLang() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const e of document.querySelectorAll('[data-i18n]')) {
    const k = e.dataset.i18n;
    if (!zhText.has(k)) zhText.set(k, e.textContent);
    e.textContent = t(k);
  }
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) {
    const k = e.dataset.i18nPlaceholder;
    if (!zhText.has(k)) zhText.set(k, e.getAttribute('placeholder'));
    e.setAttribute('placeholder', t(k));
  }
  $('lang-switch').textContent = lang === 'en' ? '中文' : 'English';
  document.title = t('app.title') + ' · anzexian';
  if (lastAnswer) renderAnswer(lastAnswer);
  if (lastImpact) renderImpact(lastImpact);
  if (lastLint) renderLint(lastLint);
  if (lastTest) renderTest(lastTest);
}

// ---------------------------------------------------------------- API

const KEY = 'anzexian.key';
class Problem extends Error {
  constructor(status, p) { super((p && (p.detail || p.title)) || ('HTTP ' + status)); this.status = status; this.problem = p; }
}
async function api(method, path, body, type) {
  const headers = {};
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = 'Bearer ' + key;
  if (type) headers['Content-Type'] = type;
  const res = await fetch(path, { method, headers, body });
  if (!res.ok) {
    let p = null;
    try { p = await res.json(); } catch (_) { /* not a problem document */ }
    if (res.status === 401) showLogin(p);
    throw new Problem(res.status, p);
  }
  return res;
}

function showProblem(box, err) {
  box.replaceChildren();
  box.hidden = false;
  const p = err.problem;
  box.append(el('strong', { text: p ? p.title : String(err.message) }));
  if (p && p.detail && !(p.diagnostics && p.diagnostics.length)) box.append(el('p', { text: p.detail }));
  if (p && p.diagnostics) {
    const ul = el('ul');
    for (const d of p.diagnostics) ul.append(diagItem(d, false));
    box.append(ul);
  }
  if (p && p.request_id) box.append(el('p', { class: 'small', text: 'request ' + p.request_id }));
}

function diagItem(d, clickable) {
  const pos = d.subject && d.subject.start && d.subject.start.line ? d.subject.start.line + ':' + d.subject.start.column : '';
  const li = el('li', { class: d.severity === 'warning' ? 'warning' : 'error' });
  if (pos) { li.dataset.line = d.subject.start.line; li.dataset.col = d.subject.start.column; }
  li.append(el('span', { class: 'pos', text: (d.subject && d.subject.file && !clickable ? d.subject.file + ':' : '') + pos }), ' ',
    el('span', { class: 'sev', text: d.severity }), ' ', el('span', { class: 'summary', text: d.summary }), ' ', el('code', { text: '[' + d.code + ']' }));
  if (d.path) li.append(el('span', { class: 'hint', text: d.path }));
  if (d.source) {
    const col = (d.subject && d.subject.start && d.subject.start.column) || 1;
    li.append(el('pre', { class: 'snippet', text: d.source + '\n' + ' '.repeat(Math.max(0, col - 1)) + '^' }));
  }
  if (d.hint) li.append(el('span', { class: 'hint', text: '→ ' + d.hint }));
  if (d.detail) li.append(el('span', { class: 'hint', text: d.detail }));
  return li;
}

// ---------------------------------------------------------------- session

let role = 'admin';
function showLogin(p) {
  $('login').hidden = false;
  if (p && p.code === 'auth.unknown_key') { $('login-error').hidden = false; $('login-error').textContent = p.detail || p.title; }
}
async function session() {
  try {
    const s = await (await api('GET', '/v1/session')).json();
    role = s.role;
    $('login').hidden = true;
    $('whoami').textContent = s.keys_required ? s.key_id + ' · ' + s.role : '';
    $('logout').hidden = !s.keys_required;
    for (const id of ['tab-edit', 'tab-impact']) $(id).disabled = role === 'quote';
    return true;
  } catch (e) {
    return false;
  }
}

// ---------------------------------------------------------------- views

function show(view) {
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  if (view === 'rulesets') loadRulesets();
  if (view === 'impact') $('impact-rulesets').textContent = editName() || '—';
}

// ---------------------------------------------------------------- numbers

// group puts thousands separators in a decimal string, exactly.
function group(s) {
  if (s === undefined || s === null) return '';
  s = String(s);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  const [w, f] = s.split('.');
  const g = w.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + g + (f !== undefined ? '.' + f : '');
}
// shift moves a decimal string's point by n places, exactly.
function shift(s, n) {
  s = String(s);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  let [w, f = ''] = s.split('.');
  if (n > 0) { f = f.padEnd(n, '0'); w = w + f.slice(0, n); f = f.slice(n); }
  w = w.replace(/^0+(?=\d)/, '');
  f = f.replace(/0+$/, '');
  const out = w + (f ? '.' + f : '');
  return (neg && out !== '0' ? '-' : '') + out;
}
const pct = (s) => { const v = shift(s, 2); return (v.startsWith('-') || v === '0' ? '' : '+') + v + '%'; };
const yuan = (s) => group(s) + ' ' + t('yuan');
const fmtInt = (n) => group(String(n));

function citeText(c) {
  let s = '《' + c.title + '》' + (c.number ? '（' + c.number + '）' : '') + (c.article || '');
  if (c.unverified) s += '【' + t('tag.unverified') + '】';
  return s;
}
const cites = (cs) => (cs || []).map(citeText).join('；');

// ---------------------------------------------------------------- assess

let vocab = {};
let lastAnswer = null;
let lastAssessBody = null;

const SAMPLE = `# 长沙某危险化学品储存有限公司（README 的示例企业，examples/enterprises/hunan-hazchem-storage.yaml）
name: 长沙某危险化学品储存有限公司
region: "430100"
sectors: [hazardous_chemicals.storage]
employees: 120
dispatched_workers: 10
occupational_hazards: [high_toxicity]
risk_level: high
standardization_level: 2
credit_grade: b
accidents:
  - {date: 2024-08-12, deaths: 0, serious_injuries: 1, direct_loss: 350000, unit_liable: true}
policy:
  insurer: 中国人民财产保险股份有限公司
  start: 2025-07-01
  end: 2026-06-30
  insured_employees: 110
  death_limit: 300000
  disability_limit: 300000
  medical_limit: 50000
  prevention_service: true
`;

function label(path, code) {
  if (path === 'obligation' && lang === 'en') return OBLIGATION_EN[code] || code;
  const v = vocab[path];
  const c = v && v.find((x) => x.code === code);
  return c ? c.label : code;
}

async function loadVocabulary() {
  try {
    vocab = await (await api('GET', '/v1/vocabulary')).json();
  } catch (_) { return; }
  const form = $('facts-form');
  const sectors = form.elements.sectors;
  for (const c of vocab.sectors || []) sectors.append(el('option', { value: c.code, text: c.label + ' ' + c.code }));
  for (const c of vocab.risk_level || []) form.elements.risk_level.append(el('option', { value: c.code, text: c.label + ' ' + c.code }));
  for (const c of vocab.credit_grade || []) $('credit-codes').append(el('option', { value: c.code, text: c.label }));
}

// formFacts builds the facts JSON of the form; amounts keep their digits.
function formFacts() {
  const f = $('facts-form').elements;
  const out = {};
  const dec = (v) => { if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(v); return '\u0001' + v + '\u0001'; };
  const put = (obj, k, v) => { if (v !== '' && v !== undefined && v !== null) obj[k] = v; };
  put(out, 'name', f.name.value.trim());
  put(out, 'region', f.region.value.trim());
  out.sectors = [...f.sectors.selectedOptions].map((o) => o.value);
  if (f.employees.value) out.employees = parseInt(f.employees.value, 10);
  put(out, 'risk_level', f.risk_level.value);
  if (f.standardization_level.value) out.standardization_level = parseInt(f.standardization_level.value, 10);
  put(out, 'credit_grade', f.credit_grade.value.trim());
  if (f.blacklisted.checked) out.blacklisted = true;
  const p = {};
  put(p, 'insurer', f['policy.insurer'].value.trim());
  put(p, 'start', f['policy.start'].value);
  put(p, 'end', f['policy.end'].value);
  if (f['policy.insured_employees'].value) p.insured_employees = parseInt(f['policy.insured_employees'].value, 10);
  if (f['policy.death_limit'].value.trim()) p.death_limit = dec(f['policy.death_limit'].value.trim());
  if (f['policy.disability_limit'].value.trim()) p.disability_limit = dec(f['policy.disability_limit'].value.trim());
  if (Object.keys(p).length) out.policy = p;
  // amounts as JSON numbers written with their own digits, never through a double
  return JSON.stringify(out, null, 2).replace(/"\\u0001([0-9.]+)\\u0001"/g, '$1');
}

function factsType(text) {
  const c = text.trimStart()[0];
  return c === '{' || c === '[' ? 'application/json' : 'application/yaml';
}

function assessQuery(extra) {
  const q = new URLSearchParams();
  if ($('assess-at').value) q.set('at', $('assess-at').value);
  if ($('assess-insurer').value.trim()) q.set('insurer', $('assess-insurer').value.trim());
  if ($('assess-trace').checked) q.set('trace', 'true');
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return '/v1/assess?' + q.toString();
}

async function runAssess() {
  const box = $('assess-error');
  box.hidden = true;
  let body;
  try {
    body = $('facts-form').hidden ? $('facts-input').value : formFacts();
  } catch (e) {
    box.hidden = false; box.textContent = 'amount: ' + e.message; return;
  }
  const type = factsType(body);
  const btn = $('assess-run');
  btn.disabled = true;
  $('assess-status').textContent = t('busy');
  const t0 = performance.now();
  try {
    const res = await api('POST', assessQuery(), body, type);
    const text = await res.text();
    let a = JSON.parse(text);
    lastAssessBody = { body, type };
    lastAnswer = { json: a, raw: text };
    $('assess-result').hidden = false;
    renderAnswer(lastAnswer);
    outTab('rendered');
    $('assess-status').textContent = t('done', { t: Math.round(performance.now() - t0) });
  } catch (e) {
    $('assess-result').hidden = true;
    showProblem(box, e);
    $('assess-status').textContent = '';
  } finally {
    btn.disabled = false;
  }
}

function renderAnswer({ json }) {
  const list = Array.isArray(json) ? json : [json];
  const a = list[0];
  $('assess-json').textContent = JSON.stringify(json, null, 2);
  $('result-title').textContent = (a.enterprise || '') + '　' + a.region + '　' + a.as_of + (list.length > 1 ? '　(1/' + list.length + ')' : '');
  const notes = $('result-notes');
  notes.replaceChildren(...(a.notes || []).map((n) => el('li', { text: n })));
  const cov = a.coverage;
  $('obligation').textContent = label('obligation', cov.obligation);
  $('obligation-code').textContent = '[' + cov.obligation + ']';
  $('reasons').replaceChildren(...cov.reasons.map((r) =>
    el('li', {}, el('span', { class: 'tag', text: label('obligation', r.obligation) }), ' ', r.text, el('span', { class: 'cite', text: cites(r.cite) }))));
  const fs = cov.findings || [];
  $('findings').replaceChildren(...(fs.length ? fs.map((f) =>
    el('li', {}, el('span', { class: 'tag ' + (f.severity === 'violation' ? 'bad' : 'warn'), text: f.severity }), ' ', f.text,
      el('span', { class: 'cite', text: cites(f.cite) }))) : [el('li', { text: t('r.none') })]));
  renderPremium(a);
  const ps = a.penalties || [];
  $('penalties').replaceChildren(...(ps.length ? ps.map(renderPenalty) : [el('li', { text: t('r.none') })]));
  renderTimeline(a.timeline);
  const cs = a.consequences || [];
  $('consequences').replaceChildren(...(cs.length ? cs.map((c) => el('li', {}, c.text, el('span', { class: 'cite', text: cites(c.cite) }))) : [el('li', { text: t('r.none') })]));
  $('result-rulesets').replaceChildren(...a.rulesets.map((l) =>
    el('li', {}, el('code', { text: l.id + '@' + l.version }), ' ' + l.title + ' · ' + l.status + ' · ', el('code', { text: l.digest.slice(0, 19) + '…' }))));
}

function renderPremium(a) {
  const p = a.premium;
  const tb = $('premium-worksheet').tBodies[0];
  tb.replaceChildren();
  $('premium-flags').replaceChildren();
  $('premium-missing').hidden = true;
  if (!p) {
    $('premium-amount').textContent = '—';
    $('premium-missing').hidden = false;
    $('premium-missing').textContent = t('r.nopremium') + (a.premium_incomplete ? a.premium_incomplete.reason : '');
    return;
  }
  $('premium-amount').textContent = yuan(p.amount);
  if (p.provisional && p.range) {
    $('premium-flags').append(el('span', { class: 'tag warn', text: t('prem.provisional') }), ' ',
      el('span', { class: 'small', text: t('prem.range', { min: yuan(p.range.min), max: yuan(p.range.max),
        m: (p.range.undecided || []).flatMap((u) => u.missing || []).join('、') }) }));
  }
  if (p.illustrative) $('premium-flags').append(el('span', { class: 'tag warn', text: t('tag.illustrative') }));
  if (p.unverified) $('premium-flags').append(el('span', { class: 'tag warn', text: t('tag.unverified') }));
  const row = (k, v, note, cls) => tb.append(el('tr', { class: cls }, el('th', { text: k }), el('td', { class: 'num', text: v }), el('td', {}, note || '')));
  const base = p.base;
  row(t('ws.base'), yuan(base.amount), el('span', {}, base.text || '', el('span', { class: 'cite', text: cites(base.cite) })));
  for (const f of p.factors) {
    const v = f.unit === 'percent' ? pct(f.value) : f.value;
    row('· ' + f.title, v, el('span', {}, (f.reason || '') + (f.case ? '（' + f.case + '）' : ''),
      f.illustrative ? el('span', { class: 'tag warn', text: t('tag.illustrative') }) : null, el('span', { class: 'cite', text: cites(f.cite) })), 'factor');
  }
  row(t('ws.combined'), p.combined);
  if (p.clamp) row(t('ws.clamp'), '[' + p.clamp.min + ', ' + p.clamp.max + ']', p.clamp.applied ? t('ws.hit') : t('ws.nothit'));
  row(t('ws.applied'), p.applied);
  row(t('ws.before_minimum'), yuan(p.before_minimum));
  if (p.minimum) row(t('ws.minimum'), yuan(p.minimum.amount), p.minimum_applied ? t('ws.applied_min') : t('ws.not_applied'));
  row(t('ws.rounding'), String(p.rounding.scale), p.rounding.mode);
  row(t('ws.amount'), yuan(p.amount), '', 'total');
  if (p.prevention_budget_cap) row(t('ws.cap'), yuan(p.prevention_budget_cap.amount), '× ' + p.prevention_budget_cap.share);
}

function renderPenalty(p) {
  const li = el('li', {}, p.basis === 'draft' ? el('span', { class: 'tag warn', text: t('p.draft') }) : null, ' ',
    el('strong', { text: p.title }), ' ', el('code', { text: p.violation }));
  if (p.days) li.append(el('span', { class: 'cite', text: t('p.days', { n: p.days }) }));
  if (p.alternative_of) li.append(el('span', { class: 'cite', text: t('p.alternative', { v: p.alternative_of }) }));
  if (p.fined) li.append(el('span', { class: 'cite', text: t('p.fined', { d: p.fined.date, a: yuan(p.fined.amount), r: p.fined.record }) }));
  if (p.occurrence) li.append(el('span', { class: 'cite', text: p.occurrence }));
  li.append(el('span', { class: 'cite', text: p.law + ' — ' + (p.governing || '') }));
  li.append(el('span', { class: 'cite', text: cites(p.cite) }));
  if (p.measures && p.measures.length) li.append(el('span', { class: 'cite', text: t('p.measures') + '：' + p.measures.join('、') }));
  let fine = '';
  if (p.fine) fine = t('p.fine') + '（' + p.target + '）：' + yuan(p.fine.min) + ' – ' + yuan(p.fine.max);
  else if (p.per_day) fine = t('p.perday') + '：' + yuan(p.per_day.total);
  else if (p.no_fine) fine = t('p.nofine') + '：' + p.no_fine;
  else if (p.undetermined) fine = t('p.undetermined') + p.undetermined.join('、');
  if (fine) li.append(el('div', { class: 'fine', text: fine }));
  return li;
}

// renderTimeline draws the stretches of obligation and cover as bars on
// one time axis (SVG), with their dates and days, then the enforcement
// records with their overdue and refusal stretches.
function renderTimeline(tl) {
  const box = $('timeline');
  box.replaceChildren();
  if (!tl) return;
  const day = (d) => Date.parse(d + 'T00:00:00Z') / 86400000;
  const from = day(tl.from), to = day(tl.through) + 1, W = 720, X0 = 110;
  const x = (d) => X0 + (W - X0) * (day(d) - from) / Math.max(1, to - from);
  const xEnd = (d) => X0 + (W - X0) * (day(d) + 1 - from) / Math.max(1, to - from);
  const rows = [['tl.obligation', tl.obligations.map((o) => ({ from: o.from, to: o.to, cls: 'ob-' + o.level + (o.basis === 'draft' ? ' draft' : ''),
    text: (o.no_rules ? '—' : label('obligation', o.level)) + (o.basis === 'draft' ? '（' + t('tl.draft') + '）' : '') }))],
  ['tl.cover', tl.cover.map((c) => ({ from: c.from, to: c.to, cls: 'st-' + c.state, text: t('st.' + c.state) }))]];
  const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + (rows.length * 34 + 22), class: 'timeline-bars', role: 'img' });
  rows.forEach(([key, bars], i) => {
    const y = 6 + i * 34;
    const name = svgEl('text', { x: 0, y: y + 17, class: 'tl-label' });
    name.textContent = t(key);
    svg.append(name);
    for (const b of bars) {
      const r = svgEl('rect', { x: x(b.from), y, width: Math.max(1, xEnd(b.to) - x(b.from)), height: 24, class: 'tl-bar ' + b.cls });
      const tip = svgEl('title', {});
      tip.textContent = b.from + ' ─ ' + b.to + '  ' + b.text;
      r.append(tip);
      svg.append(r);
    }
  });
  for (const [d, anchor] of [[tl.from, 'start'], [tl.through, 'end']]) {
    const tx = svgEl('text', { x: anchor === 'start' ? X0 : W, y: rows.length * 34 + 18, 'text-anchor': anchor, class: 'tl-axis' });
    tx.textContent = d;
    svg.append(tx);
  }
  box.append(svg);
  const list = (key, items) => el('div', {}, el('h4', { text: t(key) }), el('ul', { class: 'small' }, ...items));
  box.append(list('tl.obligation', tl.obligations.map((o) => el('li', {}, o.from + ' ─ ' + o.to + '  ',
    el('strong', { text: o.no_rules ? '—' : label('obligation', o.level) }), o.basis === 'draft' ? el('span', { class: 'tag warn', text: t('tl.draft') }) : null,
    el('span', { class: 'cite', text: (o.rules || []).join('、') })))));
  box.append(list('tl.cover', tl.cover.map((c) => el('li', { class: 'st-' + c.state }, c.from + ' ─ ' + c.to + '  ',
    el('strong', { text: t('st.' + c.state) }), '（' + t('tl.days', { n: Math.round(day(c.to) - day(c.from)) + 1 }) + '）',
    el('span', { class: 'cite', text: [...(c.missing || []), ...(c.fields || []), ...(c.sources || [])].join('、') })))));
  if (tl.enforcement && tl.enforcement.length) {
    box.append(list('tl.records', tl.enforcement.map((e) => {
      const li = el('li', {}, e.date + '  ' + e.kind + ' · ' + e.subject + (e.deadline ? ' → ' + e.deadline : '') + (e.amount ? ' · ' + yuan(e.amount) : ''),
        el('span', { class: 'cite', text: e.record }));
      if (e.overdue) li.append(el('div', { class: 'fine', text: t('tl.overdue', { f: e.overdue.from, t: e.overdue.to || '…', n: e.overdue.days }) }));
      if (e.refusal) li.append(el('div', { class: 'fine', text: t('tl.refusal', { o: e.refusal.on, f: e.refusal.from, t: e.refusal.through, n: e.refusal.days }) }));
      return li;
    })));
  }
  const om = tl.omitted || {};
  const n = (om.obligations || 0) + (om.cover || 0) + (om.enforcement || 0) + (om.events || 0);
  if (n) box.append(el('p', { class: 'small', text: t('tl.omitted', { n }) }));
  for (const note of tl.notes || []) box.append(el('p', { class: 'small', text: note }));
}

async function outTab(which) {
  for (const b of document.querySelectorAll('#assess-result [data-out]')) b.classList.toggle('active', b.dataset.out === which);
  $('out-rendered').hidden = which !== 'rendered';
  $('assess-json').hidden = which !== 'json';
  $('assess-text').hidden = which !== 'text';
  if (which === 'text' && lastAssessBody) {
    $('assess-text').textContent = t('busy');
    try {
      const res = await api('POST', assessQuery({ format: 'text', lang }), lastAssessBody.body, lastAssessBody.type);
      $('assess-text').textContent = await res.text();
    } catch (e) {
      $('assess-text').textContent = e.message;
    }
  }
}

// ---------------------------------------------------------------- rulesets

async function loadRulesets() {
  let data;
  try {
    data = await (await api('GET', '/v1/rulesets')).json();
  } catch (e) { return; }
  $('registry-digest').textContent = data.digest;
  const tb = $('rulesets-table').tBodies[0];
  tb.replaceChildren(...data.rulesets.map((r) => {
    const tr = el('tr', { class: 'clickable', 'data-key': r.key },
      el('td', {}, el('code', { text: r.key })), el('td', { text: r.title }), el('td', { text: (r.region || '—') + ' ' + r.region_name }),
      el('td', { text: r.kind + (r.insurer ? ':' + r.insurer : '') }), el('td', { text: r.status }),
      el('td', { text: r.effective.from + ' – ' + (r.effective.until || '') + (r.effective.assumed ? ' *' : '') }), el('td', { text: r.origin }));
    tr.addEventListener('click', () => openRuleset(r.key));
    return tr;
  }));
}

let shownRuleset = null;
async function openRuleset(key) {
  const r = await (await api('GET', '/v1/rulesets/' + encodeURIComponent(key))).json();
  shownRuleset = r;
  $('ruleset-view').hidden = false;
  $('ruleset-title').textContent = r.key + ' ' + r.title;
  $('ruleset-file').textContent = r.file;
  $('ruleset-digest').textContent = r.digest;
  $('ruleset-source').replaceChildren(...r.source.replace(/\n$/, '').split('\n').map((l) => el('span', { text: l })));
  $('ruleset-view').scrollIntoView({ block: 'start' });
}

// ---------------------------------------------------------------- editor

let lintTimer = null, lintSeq = 0, lastLint = null, lastTest = null;
const editor = () => $('editor');
const editName = () => (editor().value.trim() ? $('editor-name').value.trim() : '');

function edit(name, text) {
  $('editor-name').value = name;
  editor().value = text;
  show('edit');
  gutter();
  lintNow();
}

function gutter(marks) {
  const n = editor().value.split('\n').length;
  const g = $('editor-gutter');
  const m = marks || g._marks || {};
  g._marks = m;
  g.replaceChildren();
  for (let i = 1; i <= n; i++) {
    g.append(m[i] ? el('span', { class: m[i], text: String(i) }) : String(i), '\n');
  }
  g.scrollTop = editor().scrollTop;
}

function scheduleLint() {
  clearTimeout(lintTimer);
  $('lint-status').textContent = t('lint.checking');
  lintTimer = setTimeout(lintNow, 400);
}

async function lintNow() {
  clearTimeout(lintTimer);
  const name = $('editor-name').value.trim(), text = editor().value;
  if (!text.trim()) return;
  const seq = ++lintSeq;
  $('lint-status').textContent = t('lint.checking');
  try {
    const res = await api('POST', '/v1/lint', JSON.stringify({ rulesets: [{ name, text }] }), 'application/json');
    const r = await res.json();
    if (seq !== lintSeq) return; // a later edit is being checked
    lastLint = { name, r };
    renderLint(lastLint);
  } catch (e) {
    if (seq !== lintSeq) return;
    lastLint = null;
    $('lint-status').textContent = e.message;
    $('diagnostics').replaceChildren(...(e.problem && e.problem.diagnostics ? e.problem.diagnostics.map((d) => diagItem(d, false)) : [el('li', { text: e.message })]));
  }
}

function renderLint({ name, r }) {
  const ul = $('diagnostics');
  const marks = {};
  const items = r.diagnostics.map((d) => {
    const mine = d.subject && d.subject.file === name;
    const li = diagItem(d, mine);
    if (mine && d.subject.start && d.subject.start.line) {
      marks[d.subject.start.line] = d.severity === 'warning' && marks[d.subject.start.line] !== 'err' ? 'wrn' : 'err';
      li.addEventListener('click', () => goTo(d.subject.start.line, d.subject.start.column));
    }
    return li;
  });
  ul.replaceChildren(...(items.length ? items : [el('li', { class: 'ok', text: t('lint.ok') })]));
  $('lint-status').textContent = r.errors || r.warnings ? t('lint.counts', { e: r.errors, w: r.warnings }) : t('lint.ok');
  gutter(marks);
}

function goTo(line, col) {
  const ed = editor();
  const lines = ed.value.split('\n');
  let off = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
  off += Math.max(0, col - 1);
  ed.focus();
  ed.setSelectionRange(off, off);
  const lh = parseFloat(getComputedStyle(ed).lineHeight) || 18;
  ed.scrollTop = Math.max(0, (line - 5) * lh);
}

async function runTests() {
  const name = editName();
  const body = { rulesets: name ? [{ name, text: editor().value }] : [] };
  if ($('test-run').value.trim()) body.run = $('test-run').value.trim();
  $('test-status').textContent = t('test.running');
  $('run-cases').disabled = true;
  try {
    const r = await (await api('POST', '/v1/test', JSON.stringify(body), 'application/json')).json();
    lastTest = r;
    renderTest(r);
    $('test-status').textContent = '';
  } catch (e) {
    $('test-result').hidden = false;
    $('test-summary').textContent = '';
    showProblem($('test-failures'), e);
    $('test-status').textContent = '';
  } finally {
    $('run-cases').disabled = false;
  }
}

function renderTest(r) {
  $('test-result').hidden = false;
  $('test-summary').textContent = t('test.summary', { n: r.cases, f: r.failed });
  $('test-summary').className = 'big ' + (r.failed ? 'error' : '');
  const box = $('test-failures');
  box.classList.remove('problem');
  box.replaceChildren(...r.failures.map((f) => el('details', { open: r.failures.length <= 5 },
    el('summary', {}, el('code', { text: f.case }), ' — ' + f.what), el('pre', { class: 'diff', text: f.diff }))));
  const c = r.coverage;
  const tb = $('coverage').tBodies[0];
  tb.replaceChildren();
  if (!c) return;
  $('coverage-total').textContent = t('test.coverage', { c: c.covered, i: c.items, p: c.items ? (100 * c.covered / c.items).toFixed(1) : '100' });
  for (const rs of c.rulesets) {
    const un = rs.uncovered || [];
    tb.append(el('tr', {}, el('td', {}, el('code', { text: rs.ruleset })), el('td', { class: 'num', text: rs.covered + ' / ' + rs.items.length }),
      el('td', { class: 'small', text: un.slice(0, 12).join('，') + (un.length > 12 ? ' …（' + un.length + '）' : '') })));
  }
}

// ---------------------------------------------------------------- impact

let lastImpact = null;

function impactForm(format) {
  const name = editName();
  if (!name) throw new Error(t('impact.noedit'));
  const fd = new FormData();
  if ($('impact-at').value) fd.append('at', $('impact-at').value);
  fd.append('format', format);
  fd.append('lang', lang);
  fd.append('ruleset', new Blob([editor().value], { type: 'application/yaml' }), name);
  if ($('book-upload').checked) {
    const f = $('book-file').files[0];
    if (!f) throw new Error(t('impact.nofile'));
    fd.append('book', f, f.name);
  } else {
    fd.append('generate', $('generate-count').value || '1000');
    fd.append('seed', $('generate-seed').value || '1');
  }
  return fd;
}

async function runImpact() {
  const box = $('impact-error');
  box.hidden = true;
  let fd;
  try { fd = impactForm('json'); } catch (e) { box.hidden = false; box.textContent = e.message; return; }
  $('impact-run').disabled = true;
  $('impact-status').textContent = t('impact.running');
  const t0 = performance.now();
  try {
    const r = await (await api('POST', '/v1/impact', fd)).json();
    lastImpact = r;
    renderImpact(r);
    $('impact-status').textContent = t('done', { t: Math.round(performance.now() - t0) });
  } catch (e) {
    $('impact-result').hidden = true;
    showProblem(box, e);
    $('impact-status').textContent = '';
  } finally {
    $('impact-run').disabled = false;
  }
}

async function download(format, filename) {
  let fd;
  try { fd = impactForm(format); } catch (e) { $('impact-error').hidden = false; $('impact-error').textContent = e.message; return; }
  $('impact-status').textContent = t('busy');
  try {
    const blob = await (await api('POST', '/v1/impact', fd)).blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    $('impact-status').textContent = '';
  } catch (e) {
    showProblem($('impact-error'), e);
  }
}

function renderImpact(r) {
  $('impact-result').hidden = false;
  $('impact-enterprises').textContent = fmtInt(r.enterprises);
  $('impact-inscope').textContent = fmtInt(r.in_scope);
  $('impact-changed').textContent = fmtInt(r.changed);
  const pm = r.premium;
  $('impact-total').textContent = group(pm.total_before) + ' → ' + group(pm.total_after);
  $('impact-premium-counts').textContent = t('impact.counts', { b: pm.priced_both, u: pm.unchanged, i: pm.increased, d: pm.decreased, bp: pm.became_priced, np: pm.no_longer_priced });
  histogram($('impact-histogram'), pm.histogram || [], '');
  histogram($('impact-histogram-pct'), pm.percent_histogram || [], '%');
  // the obligation matrix
  const m = r.obligations, mt = $('impact-matrix');
  mt.replaceChildren(el('thead', {}, el('tr', {}, el('th', { text: t('col.before') + ' \\ ' + t('col.after') }), ...m.levels.map((l) => el('th', { class: 'num', text: label('obligation', l) })))));
  const mb = el('tbody');
  m.levels.forEach((l, i) => mb.append(el('tr', {}, el('th', { text: label('obligation', l) }), ...m.counts[i].map((n, j) => el('td', { class: 'num' + (i !== j && n ? ' up' : ''), text: fmtInt(n) })))));
  mt.append(mb);
  // what the edit changed in the rules
  const diff = $('impact-diff');
  diff.replaceChildren();
  for (const d of r.rule_diffs || []) {
    for (const it of d.items) {
      diff.append(el('li', {}, el('code', { text: d.ruleset + ' ' + it.kind + ' ' + it.id }), ' ' + it.change + (it.title ? ' ' + it.title : ''),
        it.before ? el('span', { class: 'cite', text: '− ' + it.before }) : null, it.after ? el('span', { class: 'cite', text: '+ ' + it.after }) : null));
    }
  }
  // breakdowns
  const bd = $('impact-breakdowns');
  bd.replaceChildren();
  for (const b of r.breakdowns || []) {
    const rows = b.rows.filter((x) => x.changed > 0 || b.rows.length <= 12).slice(0, 30);
    const max = Math.max(1, ...rows.map((x) => x.changed));
    const tbl = el('table', { class: 'list breakdown', 'data-by': b.by },
      el('thead', {}, el('tr', {}, ...['col.group', 'col.enterprises', 'col.changed', 'col.up', 'col.down', 'col.before', 'col.after'].map((k, i) => el('th', { class: i ? 'num' : '', text: t(k) })))));
    const tb = el('tbody');
    for (const x of rows) {
      const bar = el('span', { class: 'share' });
      bar.style.width = (4 * x.changed / max) + 'em';
      tb.append(el('tr', {}, el('td', { text: x.label || x.key }), el('td', { class: 'num', text: fmtInt(x.enterprises) }),
        el('td', { class: 'num' }, bar, fmtInt(x.changed)), el('td', { class: 'num up', text: fmtInt(x.increased) }), el('td', { class: 'num down', text: fmtInt(x.decreased) }),
        el('td', { class: 'num', text: group(x.premium_before) }), el('td', { class: 'num', text: group(x.premium_after) })));
    }
    tbl.append(tb);
    bd.append(el('h4', { text: t('bd.' + b.by) }), tbl);
  }
  // movers
  const mv = $('impact-movers');
  mv.replaceChildren(el('thead', {}, el('tr', {}, ...['col.enterprise', 'col.before', 'col.after', 'col.change', 'col.pct', 'col.movedby'].map((k, i) => el('th', { class: i && i < 5 ? 'num' : '', text: t(k) })))));
  const mvb = el('tbody');
  for (const x of r.movers || []) {
    const up = !String(x.change).startsWith('-');
    mvb.append(el('tr', {}, el('td', { text: (x.enterprise || '#' + x.line) + ' ' + x.region }), el('td', { class: 'num', text: group(x.before) }),
      el('td', { class: 'num', text: group(x.after) }), el('td', { class: 'num ' + (up ? 'up' : 'down'), text: group(x.change) }),
      el('td', { class: 'num', text: x.percent !== undefined ? x.percent + '%' : '' }),
      el('td', { class: 'small', text: (x.moved_by || []).map((s) => (s.title || s.step) + ' ' + s.before + ' → ' + s.after).join('；') })));
  }
  mv.append(mvb);
  const pen = $('impact-penalties');
  pen.replaceChildren();
  for (const [k, list] of [['impact.new', r.penalties.new], ['impact.vanished', r.penalties.vanished], ['impact.changedfine', r.penalties.changed]]) {
    for (const x of list || []) pen.append(el('li', {}, el('span', { class: 'tag', text: t(k) }), ' ' + x.title + ' (' + x.target + ')：' + fmtInt(x.enterprises)));
  }
}

// histogram draws bins as bars on labelled axes.
function histogram(svg, bins, unit) {
  svg.replaceChildren();
  const W = 420, H = 200, L = 44, B = 34, T = 8, R = 8;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  if (!bins.length) { svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' })); svg.lastChild.textContent = '—'; return; }
  const max = Math.max(...bins.map((b) => b.count));
  const bw = (W - L - R) / bins.length;
  svg.append(svgEl('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }), svgEl('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
  bins.forEach((b, i) => {
    const h = max ? (H - B - T) * b.count / max : 0;
    const r = svgEl('rect', { class: 'bar' + (String(b.to).startsWith('-') || b.to === '0' ? ' neg' : ''), x: L + i * bw + 1, y: H - B - h, width: Math.max(1, bw - 2), height: h });
    const title = svgEl('title');
    title.textContent = '[' + b.from + ', ' + b.to + (b.rest ? ']' : ')') + unit + ': ' + b.count;
    r.append(title);
    svg.append(r);
  });
  const tick = (x, y, s, anchor) => { const e = svgEl('text', { x, y, 'text-anchor': anchor }); e.textContent = s; svg.append(e); };
  tick(L - 4, T + 8, fmtInt(max), 'end');
  tick(L - 4, H - B, '0', 'end');
  tick(L, H - B + 14, short(bins[0].from) + unit, 'start');
  tick(W - R, H - B + 14, short(bins[bins.length - 1].to) + unit, 'end');
  if (bins.length > 2) { const mid = Math.floor(bins.length / 2); tick(L + mid * bw, H - B + 14, short(bins[mid].from) + unit, 'middle'); }
}
const short = (s) => group(String(s).replace(/\.0+$/, ''));

// ---------------------------------------------------------------- wiring

function init() {
  applyLang();
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // China's date
  $('assess-at').value = today;
  $('impact-at').value = today;
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));
  $('lang-switch').addEventListener('click', () => { lang = lang === 'en' ? 'zh' : 'en'; localStorage.setItem('anzexian.lang', lang); applyLang(); });
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $('key-input').value.trim());
    $('key-input').value = '';
    if (await session()) { $('login-error').hidden = true; loadVocabulary(); }
  });
  $('logout').addEventListener('click', () => { sessionStorage.removeItem(KEY); location.reload(); });
  $('mode-paste').addEventListener('click', () => { $('paste-box').hidden = false; $('facts-form').hidden = true; $('mode-paste').classList.add('active'); $('mode-form').classList.remove('active'); });
  $('mode-form').addEventListener('click', () => { $('paste-box').hidden = true; $('facts-form').hidden = false; $('mode-form').classList.add('active'); $('mode-paste').classList.remove('active'); });
  $('facts-sample').addEventListener('click', () => { $('facts-input').value = SAMPLE; });
  $('facts-file').addEventListener('change', async () => { const f = $('facts-file').files[0]; if (f) $('facts-input').value = await f.text(); });
  $('assess-run').addEventListener('click', runAssess);
  for (const b of document.querySelectorAll('#assess-result [data-out]')) b.addEventListener('click', () => outTab(b.dataset.out));
  $('ruleset-edit').addEventListener('click', () => { if (shownRuleset) edit('edited/' + shownRuleset.file, shownRuleset.source); });
  editor().addEventListener('input', () => { gutter(); scheduleLint(); });
  editor().addEventListener('scroll', () => { $('editor-gutter').scrollTop = editor().scrollTop; });
  editor().addEventListener('keydown', (ev) => {
    if (ev.key === 'Tab') { ev.preventDefault(); document.execCommand('insertText', false, '  '); }
  });
  $('editor-name').addEventListener('change', scheduleLint);
  $('editor-file').addEventListener('change', async () => { const f = $('editor-file').files[0]; if (f) edit('edited/' + f.name, await f.text()); });
  $('run-cases').addEventListener('click', runTests);
  $('to-impact').addEventListener('click', () => show('impact'));
  $('impact-run').addEventListener('click', runImpact);
  $('book-file').addEventListener('change', () => { $('book-upload').checked = true; });
  $('download-changed').addEventListener('click', () => download('changed-csv', 'changed.csv'));
  $('download-xlsx').addEventListener('click', () => download('xlsx', 'impact.xlsx'));
  $('download-html').addEventListener('click', () => download('html', 'impact.html'));
  $('download-json').addEventListener('click', () => download('json', 'impact.json'));
  gutter();
  session().then((ok) => { if (ok) loadVocabulary(); });
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', init);
})();
