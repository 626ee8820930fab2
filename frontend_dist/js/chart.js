// A bar chart drawn as SVG on the page itself (no library, nothing fetched).

const SVG = "http://www.w3.org/2000/svg";

function node(tag, attrs = {}, text = "") {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  if (text) element.textContent = text;
  return element;
}

/** Bars for `points` ([{label, count}]); returns an <svg> with a title naming every bar. */
export function barChart(points, { title, width = 720, height = 220 } = {}) {
  const margin = { top: 16, right: 12, bottom: 34, left: 34 };
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", "aria-label": title });
  const summary = points.map((point) => `${point.label}: ${point.count}`).join(", ");
  svg.append(node("title", {}, `${title}. ${summary || "none yet"}`));
  const top = Math.max(1, ...points.map((point) => point.count));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const step = points.length ? plotWidth / points.length : plotWidth;
  for (const fraction of [0, 0.5, 1]) {
    const y = margin.top + plotHeight * (1 - fraction);
    svg.append(node("line", { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: "chart__grid" }));
    const value = top * fraction;
    const label = Number.isInteger(value) ? String(value) : value.toFixed(1);
    svg.append(node("text", { x: margin.left - 6, y: y + 4, "text-anchor": "end", class: "chart__axis" }, label));
  }
  points.forEach((point, index) => {
    const barHeight = (point.count / top) * plotHeight;
    const barWidth = Math.max(2, Math.min(step * 0.7, 48));
    const x = margin.left + index * step + (step - barWidth) / 2;
    const bar = node("rect", {
      x,
      y: margin.top + plotHeight - barHeight,
      width: barWidth,
      height: barHeight,
      rx: 3,
      class: "chart__bar",
    });
    bar.append(node("title", {}, `${point.label}: ${point.count}`));
    svg.append(bar);
    if (points.length <= 16 || index % Math.ceil(points.length / 16) === 0) {
      svg.append(node("text", { x: x + barWidth / 2, y: height - 12, "text-anchor": "middle", class: "chart__axis" }, point.label));
    }
  });
  return svg;
}
