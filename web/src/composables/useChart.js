// The ECharts lifecycle every chart component shares: init on mount, the
// click handler, resize with the element (ResizeObserver), dispose on
// unmount.  @el is the template ref of the chart's element, @render(chart)
// sets its option, @onClick(params) handles a click.  Returns resize(), for
// a component whose height changes.  echarts/core: the caller registers the
// charts and components it uses (echarts.use) before mounting.
import { onMounted, onBeforeUnmount } from 'vue'
import * as echarts from 'echarts/core'

export function useChart(el, render, onClick) {
  let chart = null
  let ro = null

  onMounted(() => {
    chart = echarts.init(el.value)
    if (onClick) chart.on('click', onClick)
    render(chart)
    ro = new ResizeObserver(() => chart && chart.resize())
    ro.observe(el.value)
  })
  onBeforeUnmount(() => {
    if (ro) ro.disconnect()
    if (chart) chart.dispose()
    chart = null
  })
  return {
    // render again with the current props (after a change)
    update: () => chart && render(chart),
    resize: () => chart && setTimeout(() => chart && chart.resize())
  }
}
