export { buildMapModel, DEFAULT_OPREGION_SIZE, sizeText, type LaneId, type MapModel, type MapRegion, type RegionKind } from './model.js';
export { buildAxis, DEFAULT_AXIS, type Axis, type AxisSegment, type AxisStyle } from './axis.js';
export { addrText, renderMapSvg, renderModelSvg, type SvgOptions } from './svg.js';
export { renderMapHtml, type HtmlOptions } from './html.js';
