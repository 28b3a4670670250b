/**
 * A chart's frame: its title, a one-line summary that says what it shows (also
 * its accessible name), a fixed-height drawing area, and a line under it that
 * reads out what the pointer is on. The lines keep their height whatever they
 * say, so the page does not move while data streams in.
 */
import type { ComponentChildren } from 'preact';
import './charts.css';

export function ChartFigure({ title, summary, readout, legend, children, wide = false, scrolls = false, height }: {
  title: string;
  summary: string;
  /** What the pointer is on, for charts that say it. */
  readout?: string;
  legend?: ComponentChildren;
  children: ComponentChildren;
  wide?: boolean;
  /** The drawing may be wider than its box (it scrolls sideways, by keyboard too). */
  scrolls?: boolean;
  /** The drawing area's height in CSS pixels, where it is not the stylesheet's. */
  height?: number;
}) {
  return (
    <figure class={wide ? 'card chart-card wide' : 'card chart-card'}>
      <figcaption>
        <h2>{title}</h2>
        <p class="one-line" title={summary}>{summary}</p>
      </figcaption>
      <div class={scrolls ? 'chart scroll-x' : 'chart'} role="img" aria-label={`${title}: ${summary}`} tabIndex={scrolls ? 0 : undefined}
        style={height === undefined ? undefined : { height: `${height}px` }}>{children}</div>
      {legend && <div class="chart-legend">{legend}</div>}
      {readout !== undefined && <p class="one-line readout" aria-hidden="true">{readout || '\u00a0'}</p>}
    </figure>
  );
}
