// A web rendering of the @hubspot/ui-extensions components the card, the settings page and the app pages use.
// The UI code runs unchanged against the real package; its remote components arrive here by name (remote-ui's
// host side) and are drawn with plain DOM elements and the CSS in preview.css, following HubSpot's documented
// props. A component that is not in this table is drawn as a red "unsupported" box (the browser test fails on it).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { navigate } from './host-globals.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- props arrive untyped over the remote boundary */
type P = Record<string, any> & { children?: ReactNode };

const cx = (...names: Array<string | false | null | undefined>) => names.filter(Boolean).join(' ');
const tid = (p: P) => (p.testId ? { 'data-testid': String(p.testId) } : {});
const GAP: Record<string, string> = { flush: '0', 'extra-small': '4px', xs: '4px', small: '8px', sm: '8px', medium: '16px', md: '16px', large: '24px', lg: '24px', 'extra-large': '32px', xl: '32px' };
const JUSTIFY: Record<string, string> = { start: 'flex-start', end: 'flex-end', center: 'center', between: 'space-between', around: 'space-around' };
const ALIGN: Record<string, string> = { start: 'flex-start', end: 'flex-end', center: 'center', baseline: 'baseline', stretch: 'stretch' };

function Text(p: P) {
  const f = p.format ?? {};
  const style: React.CSSProperties = {
    fontWeight: f.fontWeight === 'bold' ? 700 : f.fontWeight === 'demibold' ? 600 : undefined,
    fontStyle: f.italic ? 'italic' : undefined,
    textDecoration: f.lineDecoration === 'strikethrough' ? 'line-through' : f.lineDecoration === 'underline' ? 'underline' : undefined,
  };
  const Tag = p.inline ? 'span' : 'p';
  return <Tag {...tid(p)} className={cx('hs-text', p.variant === 'microcopy' && 'hs-microcopy', p.truncate && 'hs-truncate')} style={style}>{p.children}</Tag>;
}
function Flex(p: P) {
  return (
    <div {...tid(p)} className={cx('hs-flex', p.direction === 'column' ? 'hs-flex-column' : 'hs-flex-row')} style={{
      flexDirection: p.direction === 'column' ? 'column' : 'row', gap: GAP[p.gap ?? 'flush'] ?? '0',
      justifyContent: JUSTIFY[p.justify ?? 'start'], alignItems: ALIGN[p.align ?? (p.direction === 'column' ? 'stretch' : 'start')],
      flexWrap: p.wrap === 'wrap' || p.wrap === true ? 'wrap' : 'nowrap',
    }}>{p.children}</div>
  );
}
function Box(p: P) {
  return <div {...tid(p)} style={{ flex: p.flex === 'auto' ? '1 1 auto' : typeof p.flex === 'number' ? p.flex : undefined, alignSelf: ALIGN[p.alignSelf ?? ''] }}>{p.children}</div>;
}
function Heading(p: P) { return <h3 {...tid(p)} className="hs-heading">{p.children}</h3>; }
function Divider(p: P) { return <hr {...tid(p)} className={cx('hs-divider', p.distance && `hs-divider-${p.distance}`)} />; }
function Tile(p: P) { return <section {...tid(p)} className={cx('hs-tile', p.compact && 'hs-tile-compact', p.flush && 'hs-tile-flush')}>{p.children}</section>; }

function Button(p: P) {
  const variant = p.variant ?? 'secondary';
  return (
    <button {...tid(p)} type={p.type === 'submit' ? 'submit' : 'button'} disabled={p.disabled === true}
      className={cx('hs-button', `hs-button-${variant}`, p.size && `hs-button-${p.size}`)}
      onClick={(e) => { if (p.type !== 'submit') e.preventDefault(); p.onClick?.(); }}>{p.children}</button>
  );
}
function ButtonRow(p: P) { return <div {...tid(p)} className="hs-button-row">{p.children}</div>; }
function Link(p: P) {
  const href = typeof p.href === 'string' ? p.href : p.href?.url;
  const external = typeof p.href === 'object' ? p.href?.external !== false : true;
  return (
    <a {...tid(p)} className="hs-link" href={href ?? '#'} {...(external && href ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
      onClick={(e) => { if (!href) e.preventDefault(); p.onClick?.(); }}>{p.children}{external && href ? <span aria-hidden> ↗</span> : null}</a>
  );
}
const ALERT_VARIANT: Record<string, string> = { info: 'info', tip: 'info', success: 'success', warning: 'warning', error: 'danger', danger: 'danger' };
function Alert(p: P) {
  return (
    <div {...tid(p)} role="alert" className={cx('hs-alert', `hs-alert-${ALERT_VARIANT[p.variant ?? 'info'] ?? 'info'}`)}>
      {p.title ? <strong className="hs-alert-title">{p.title}</strong> : null}
      {p.children ? <div className="hs-alert-body">{p.children}</div> : null}
    </div>
  );
}
const TAG_VARIANT: Record<string, string> = { default: 'default', success: 'success', warning: 'warning', error: 'danger', danger: 'danger', info: 'info' };
function Tag(p: P) {
  return <span {...tid(p)} className={cx('hs-tag', `hs-tag-${TAG_VARIANT[p.variant ?? 'default'] ?? 'default'}`)} onClick={() => p.onClick?.()}>{p.children}</span>;
}
function StatusTag(p: P) {
  return <span {...tid(p)} className={cx('hs-status', `hs-status-${TAG_VARIANT[p.variant ?? 'default'] ?? 'default'}`, p.hollow && 'hs-status-hollow')}><i />{p.children}</span>;
}
function LoadingSpinner(p: P) {
  return <div {...tid(p)} className={cx('hs-spinner', p.layout === 'centered' && 'hs-centered')}><span className="hs-spinner-wheel" />{p.showLabel === false ? null : <span>{p.label}</span>}</div>;
}
function EmptyState(p: P) {
  return <div {...tid(p)} className="hs-empty"><div className="hs-empty-art" aria-hidden>◎</div><div><h3 className="hs-heading">{p.title}</h3>{p.children}</div></div>;
}
function ErrorState(p: P) {
  return <div {...tid(p)} className="hs-empty hs-error"><div className="hs-empty-art" aria-hidden>!</div><div><h3 className="hs-heading">{p.title}</h3>{p.children}</div></div>;
}
function DescriptionList(p: P) { return <dl {...tid(p)} className={cx('hs-dl', p.direction === 'row' && 'hs-dl-row')}>{p.children}</dl>; }
function DescriptionListItem(p: P) { return <div {...tid(p)} className="hs-dl-item"><dt>{p.label}</dt><dd>{p.children}</dd></div>; }
function Statistics(p: P) { return <div {...tid(p)} className="hs-stats">{p.children}</div>; }
function StatisticsItem(p: P) {
  return <div {...tid(p)} className="hs-stat"><div className="hs-stat-label">{p.label}</div><div className="hs-stat-number">{typeof p.number === 'number' ? p.number.toLocaleString('en-US') : p.number}</div>{p.children}</div>;
}
function ProgressBar(p: P) {
  const pct = p.maxValue > 0 ? Math.min(100, Math.round((p.value / p.maxValue) * 100)) : 0;
  return (
    <div {...tid(p)} className="hs-progress">
      <div className="hs-progress-head"><span>{p.title}</span>{p.showPercentage ? <span>{pct}%</span> : null}</div>
      <div className="hs-progress-track"><div className="hs-progress-fill" style={{ width: `${pct}%` }} /></div>
    </div>
  );
}

// Inputs: controlled by the extension (its value prop), reported with the value types HubSpot documents.
function Field(p: P & { control: ReactNode }) {
  return (
    <label className={cx('hs-field', p.error && 'hs-field-error')}>
      <span className="hs-label">{p.label}{p.required ? <span className="hs-required"> *</span> : null}</span>
      {p.description ? <span className="hs-microcopy">{p.description}</span> : null}
      {p.control}
      {p.error && p.validationMessage ? <span className="hs-validation">{p.validationMessage}</span> : null}
    </label>
  );
}
function Input(p: P) {
  return <Field {...p} control={<input {...tid(p)} className="hs-input" name={p.name} value={p.value ?? ''} placeholder={p.placeholder} readOnly={p.readOnly}
    onChange={(e) => { p.onInput?.(e.target.value); p.onChange?.(e.target.value); }} onBlur={(e) => p.onBlur?.(e.target.value)} />} />;
}
function TextArea(p: P) {
  return <Field {...p} control={<textarea {...tid(p)} className="hs-input" name={p.name} rows={p.rows ?? 3} value={p.value ?? ''} placeholder={p.placeholder}
    onChange={(e) => { p.onInput?.(e.target.value); p.onChange?.(e.target.value); }} />} />;
}
function NumberInput(p: P) {
  return <Field {...p} control={<input {...tid(p)} className="hs-input" type="number" name={p.name} value={p.value ?? ''}
    onChange={(e) => { const n = Number(e.target.value); p.onInput?.(n); p.onChange?.(n); }} />} />;
}
function DateInput(p: P) {
  const v = p.value as { year: number; month: number; date: number } | undefined;
  const str = v ? `${v.year}-${String(v.month + 1).padStart(2, '0')}-${String(v.date).padStart(2, '0')}` : '';
  return <Field {...p} control={<input {...tid(p)} className="hs-input" type="date" name={p.name} value={str} onChange={(e) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(e.target.value);
    p.onChange?.(m ? { year: Number(m[1]), month: Number(m[2]) - 1, date: Number(m[3]), formattedDate: e.target.value } : null);
  }} />} />;
}
function Select(p: P) {
  const options = (p.options ?? []) as Array<{ label: string; value: string | number | boolean }>;
  return <Field {...p} control={
    <select {...tid(p)} className="hs-input hs-select" name={p.name} value={String(p.value ?? '')}
      onChange={(e) => { const o = options.find((x) => String(x.value) === e.target.value); p.onChange?.(o ? o.value : e.target.value); }}>
      {p.value === undefined || p.value === null ? <option value="">{p.placeholder ?? ''}</option> : null}
      {options.map((o) => <option key={String(o.value)} value={String(o.value)}>{o.label}</option>)}
    </select>} />;
}
function Checkbox(p: P) {
  return (
    <label className="hs-checkbox" {...tid(p)}>
      <input type="checkbox" name={p.name} checked={p.checked === true} onChange={(e) => p.onChange?.(e.target.checked, p.value ?? '')} />
      <span>{p.children}</span>
    </label>
  );
}
function Form(p: P) {
  return <form {...tid(p)} onSubmit={(e) => { if (p.preventDefault !== false) e.preventDefault(); p.onSubmit?.(); }}>{p.children}</form>;
}

function Table(p: P) { return <div className="hs-table-wrap"><table {...tid(p)} className={cx('hs-table', p.bordered && 'hs-table-bordered', p.density && `hs-table-${p.density}`)}>{p.children}</table></div>; }
const TableHead = (p: P) => <thead>{p.children}</thead>;
const TableBody = (p: P) => <tbody>{p.children}</tbody>;
const TableFooter = (p: P) => <tfoot>{p.children}</tfoot>;
const TableRow = (p: P) => <tr>{p.children}</tr>;
const TableHeader = (p: P) => <th style={{ textAlign: p.align ?? 'left' }}>{p.children}</th>;
const TableCell = (p: P) => <td style={{ textAlign: p.align ?? 'left' }} colSpan={p.colSpan}>{p.children}</td>;

// Charts: the documented data rows and axes, drawn as SVG in HubSpot's chart colours.
const COLORS: Record<string, string> = {
  orange: '#ff8f59', aqua: '#00bda5', purple: '#8f7ee8', yellow: '#f5c26b', pink: '#f2547d', blue: '#4fb0d3', green: '#6ac26a',
  darkOrange: '#d9553d', darkAqua: '#00a4bd', darkPurple: '#6a5acd', darkYellow: '#d6a21c', darkPink: '#c93562', darkBlue: '#0b6ea8', darkGreen: '#2f8f46',
};
function chartRows(p: P): Array<Record<string, string | number>> { return Array.isArray(p.data) ? p.data : (p.data?.data ?? []); }
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / mag) * mag;
}
function Chart({ p, kind }: { p: P; kind: 'bar' | 'line' }) {
  const rows = chartRows(p);
  const x = p.axes?.x?.field as string;
  const y = p.axes?.y?.field as string;
  const color = COLORS[(p.options?.colorList ?? p.options?.colors ?? ['darkAqua'])[0] as string] ?? COLORS.darkAqua;
  // Drawn at the width it is given (text stays at its size in a narrow tile), as HubSpot's charts are.
  const box = useRef<HTMLElement>(null);
  const [W, setW] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const ro = new ResizeObserver(() => setW(Math.max(280, Math.round(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const H = 240; const L = 44; const B = 40; const T = 16; const R = 12;
  const max = niceMax(Math.max(0, ...rows.map((r) => Number(r[y] ?? 0))));
  const innerW = W - L - R; const innerH = H - T - B;
  const step = rows.length > 0 ? innerW / rows.length : innerW;
  const yAt = (v: number) => T + innerH - (v / max) * innerH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return (
    <figure {...tid(p)} ref={box} className="hs-chart" data-chart={kind}>
      {p.options?.title ? <figcaption>{p.options.title}</figcaption> : null}
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${p.axes?.y?.label ?? y} by ${p.axes?.x?.label ?? x}`}>
        {ticks.map((t) => (
          <g key={t}><line x1={L} x2={W - R} y1={yAt(t)} y2={yAt(t)} className="hs-chart-grid" />
            <text x={L - 6} y={yAt(t) + 4} textAnchor="end" className="hs-chart-tick">{Number.isInteger(t) ? t : t.toFixed(1)}</text></g>
        ))}
        {kind === 'bar' ? rows.map((r, i) => {
          const v = Number(r[y] ?? 0); const bw = Math.min(56, step * 0.6); const bx = L + i * step + (step - bw) / 2;
          return (
            <g key={String(r[x]) + i}>
              <rect x={bx} y={yAt(v)} width={bw} height={T + innerH - yAt(v)} fill={color} rx={2}><title>{`${r[x]}: ${v}`}</title></rect>
              {p.options?.showDataLabels ? <text x={bx + bw / 2} y={yAt(v) - 4} textAnchor="middle" className="hs-chart-value">{v}</text> : null}
            </g>
          );
        }) : (
          <>
            <polyline fill="none" stroke={color} strokeWidth={2.5} points={rows.map((r, i) => `${L + i * step + step / 2},${yAt(Number(r[y] ?? 0))}`).join(' ')} />
            {rows.map((r, i) => <circle key={i} cx={L + i * step + step / 2} cy={yAt(Number(r[y] ?? 0))} r={3.5} fill={color}><title>{`${r[x]}: ${r[y]}`}</title></circle>)}
          </>
        )}
        {rows.map((r, i) => (
          <text key={`l${i}`} x={L + i * step + step / 2} y={H - B + 16} textAnchor="middle" className="hs-chart-tick">{String(r[x])}</text>
        ))}
        <text x={L + innerW / 2} y={H - 4} textAnchor="middle" className="hs-chart-axis">{p.axes?.x?.label ?? x}</text>
      </svg>
    </figure>
  );
}
const BarChart = (p: P) => <Chart p={p} kind="bar" />;
const LineChart = (p: P) => <Chart p={p} kind="line" />;

// App page components: the title goes to the page header, links navigate inside the app.
function PageTitle(p: P) { return <h1 {...tid(p)} className="hs-page-title">{p.children}</h1>; }
function PageLink(p: P) {
  return <a {...tid(p)} className="hs-link hs-page-link" href={`#pages=${p.to}`} onClick={(e) => { e.preventDefault(); navigate(p.to, p.params ?? {}); }}>{p.children}</a>;
}
function PageBreadcrumbs(p: P) { return <nav {...tid(p)} className="hs-breadcrumbs" aria-label="Breadcrumb">{p.children}</nav>; }
function PageBreadcrumbsPageLink(p: P) { return <><PageLink {...p} /><span className="hs-breadcrumb-sep">/</span></>; }
function PageBreadcrumbsCurrent(p: P) { return <span aria-current="page">{p.children}</span>; }

export function Unsupported({ name }: { name: string }) {
  return <div className="hs-unsupported" data-unsupported={name}>Unsupported component in the preview: {name}</div>;
}

export const COMPONENTS: Record<string, (p: P) => ReactNode> = {
  Text, Flex, Box, Heading, Divider, Tile, Button, ButtonRow, Link, Alert, Tag, StatusTag, LoadingSpinner, EmptyState, ErrorState,
  DescriptionList, DescriptionListItem, Statistics, StatisticsItem, ProgressBar, Input, TextArea, NumberInput, DateInput, Select, Checkbox,
  Form, Table, TableHead, TableBody, TableFooter, TableRow, TableHeader, TableCell, BarChart, LineChart,
  PageTitle, PageLink, PageBreadcrumbs, PageBreadcrumbsPageLink, PageBreadcrumbsCurrent,
};
