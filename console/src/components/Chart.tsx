/** ECharts, tree-shaken to the charts the console draws (line and bar), rendered to canvas. */
import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, AriaComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, AriaComponent, CanvasRenderer]);

export function Chart({ option, height = 280, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return undefined;
    const chart = echarts.init(el.current);
    // aria: ECharts writes a text description of the series for screen readers.
    chart.setOption({ aria: { enabled: true }, animation: false, ...option });
    const resize = (): void => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  // ECharts writes its own aria-label (a description of the series) on the element it draws in, so the
  // element that carries our label is a wrapper.
  return (
    <div role="img" aria-label={label} data-testid="chart">
      <div ref={el} style={{ width: '100%', height }} />
    </div>
  );
}
