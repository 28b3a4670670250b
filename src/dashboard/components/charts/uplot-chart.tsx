/**
 * A uPlot chart that fills its box's width at a fixed height: made once per
 * `options` (callers memoise them), given new data in place as it streams in,
 * new series added in place when they only extend the old ones (a new trial's
 * learning curve), resized with its box, destroyed with the component. With no
 * data yet it says so, in the same space.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface ChartProps {
  /** Everything but the size, which the box sets, and the series. */
  options: Omit<uPlot.Options, 'width' | 'height' | 'series'>;
  /** The y series, in the order of `data` after its x values. */
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  height: number;
}

export function UPlotChart({ empty, ...chart }: ChartProps & { /** Said while there is nothing to draw. */ empty: string }) {
  return chart.data[0].length === 0 ? <p class="chart-empty">{empty}</p> : <Plot {...chart} />;
}

function Plot({ options, series, data, height }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef({ series, data });
  latest.current = { series, data };

  const make = () => {
    chart.current?.destroy();
    const element = box.current!;
    const { series: ys, data: values } = latest.current;
    chart.current = new uPlot({ ...options, series: [{}, ...ys], width: Math.max(element.clientWidth, 100), height }, values, element);
  };

  useLayoutEffect(() => {
    make();
    const element = box.current!;
    const resized = new ResizeObserver(() => {
      const plot = chart.current;
      if (plot && element.clientWidth > 0 && element.clientWidth !== plot.width) plot.setSize({ width: element.clientWidth, height });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useLayoutEffect(() => {
    const plot = chart.current;
    if (!plot) return;
    const drawn = plot.series.slice(1).map((s) => s.label);
    if (drawn.length > series.length || drawn.some((label, i) => series[i]!.label !== label)) {
      make();
      return;
    }
    for (const added of series.slice(drawn.length)) plot.addSeries(added);
    if (plot.data !== data) plot.setData(data);
  }, [series, data]);

  return <div ref={box} class="uplot-box" />;
}
