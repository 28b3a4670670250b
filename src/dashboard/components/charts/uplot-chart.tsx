/**
 * A uPlot chart that fills its box's width at a fixed height: made once per
 * `options` (callers memoise them by the series they draw), given new data
 * in place as it streams in, resized with its box, destroyed with the component.
 * With no data yet it says so, in the same space.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface ChartProps {
  /** Everything but the size, which the box sets. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
}

export function UPlotChart({ empty, ...chart }: ChartProps & { /** Said while there is nothing to draw. */ empty: string }) {
  return chart.data[0].length === 0 ? <p class="chart-empty">{empty}</p> : <Plot {...chart} />;
}

function Plot({ options, data, height }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useLayoutEffect(() => {
    const element = box.current!;
    const plot = new uPlot({ ...options, width: Math.max(element.clientWidth, 100), height }, latest.current, element);
    chart.current = plot;
    const resized = new ResizeObserver(() => {
      if (element.clientWidth > 0 && element.clientWidth !== plot.width) plot.setSize({ width: element.clientWidth, height });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    if (chart.current && chart.current.data !== data) chart.current.setData(data);
  }, [data]);

  return <div ref={box} class="uplot-box" />;
}
