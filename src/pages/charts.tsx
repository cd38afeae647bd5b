/**
 * Small server-rendered SVG charts (no JavaScript: the CSP forbids scripts) in the DSFR's colours, and the
 * French number formats of the public pages. Every chart is an image with a title and a description
 * (`role="img"`) and always comes with its data table: the table is the accessible, exact version;
 * the chart only shows the shape. Widths come from the viewBox, so a chart shrinks with a phone's screen.
 */
import type { Child } from "hono/jsx";

/** DSFR colours: blue France, success green, error red, grey for scales and missing values. */
export const DSFR = { blue: "#000091", green: "#18753c", red: "#ce0500", grey: "#666666", light: "#dddddd" };

const numberFr = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
/** 1234.5 → « 1 234,5 » (French grouping and decimal comma). */
export const frNumber = (x: number) => numberFr.format(x);
/** 87.5 → « 87,5 % ». */
export const frPercent = (x: number) => `${frNumber(x)} %`;
/** 71 → « +71 points », −5 → « −5 points ». */
export const frPoints = (x: number) =>
  `${x > 0 ? "+" : x < 0 ? "−" : ""}${frNumber(Math.abs(x))} point${Math.abs(x) >= 2 ? "s" : ""}`;

export type Bar = {
  label: string;
  value: number;
  /** Shown at the bar's end (defaults to the number in French). */
  text?: string;
  colour?: string;
};

const ROW = 34;
const WIDTH = 320;
const BAR_H = 14;

/**
 * Horizontal bars, one per row, the label above its bar (long network names fit on a phone), scaled to
 * `max` (the largest value when not given), with an optional threshold drawn as a dashed line.
 */
export function BarChart(props: {
  id: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  max?: number;
  threshold?: { value: number; label: string };
}) {
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  const plot = WIDTH - 60;
  const height = props.bars.length * ROW + (props.threshold ? 18 : 4);
  const x = (v: number) => Math.round((Math.max(0, v) / max) * plot * 10) / 10;
  return (
    <svg
      class="spp-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-labelledby={`${props.id}-titre ${props.id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${props.id}-titre`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {props.bars.map((b, i) => {
        const y = i * ROW;
        return (
          <g>
            <text x="0" y={y + 11} font-size="11" fill="#161616">
              {b.label.length > 52 ? `${b.label.slice(0, 51)}…` : b.label}
            </text>
            <rect x="0" y={y + 15} width={plot} height={BAR_H} fill={DSFR.light} />
            <rect x="0" y={y + 15} width={x(b.value)} height={BAR_H} fill={b.colour ?? DSFR.blue} />
            <text x={plot + 4} y={y + 26} font-size="11" fill="#161616">
              {b.text ?? frNumber(b.value)}
            </text>
          </g>
        );
      })}
      {props.threshold ? (
        <g>
          <line
            x1={x(props.threshold.value)}
            x2={x(props.threshold.value)}
            y1="12"
            y2={props.bars.length * ROW}
            stroke={DSFR.grey}
            stroke-width="1.5"
            stroke-dasharray="4 3"
          />
          <text
            x={Math.min(x(props.threshold.value), plot - 60)}
            y={props.bars.length * ROW + 13}
            font-size="10"
            fill={DSFR.grey}
          >
            {props.threshold.label}
          </text>
        </g>
      ) : null}
    </svg>
  );
}

/** A chart beside (under, on a phone) its data table. */
export function ChartWithTable(props: { chart: Child; table: Child }) {
  return (
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-md-6">{props.chart}</div>
      <div class="fr-col-12 fr-col-md-6">{props.table}</div>
    </div>
  );
}
