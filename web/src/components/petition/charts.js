// The console's ECharts plus the pieces only the petition and mediation pages draw:
// heat maps (region × category), lines (monthly trends) and the visual map they need.
import echarts from '../../charts.js'
import { HeatmapChart, LineChart } from 'echarts/charts'
import { VisualMapComponent } from 'echarts/components'

echarts.use([HeatmapChart, LineChart, VisualMapComponent])

export default echarts
