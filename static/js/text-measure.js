// The width of a text in an element's font, measured on a canvas and kept (the stage measures
// every label once per trace and view). `refresh()` reads the font again, after a trace or a
// view change (presenter mode's larger type counts).

export function textMeasurer(node) {
  const context = document.createElement("canvas").getContext("2d");
  const cache = new Map();
  const measure = (text) => {
    let width = cache.get(text);
    if (width === undefined) {
      width = context.measureText(text).width;
      cache.set(text, width);
    }
    return width;
  };
  measure.refresh = () => {
    const style = getComputedStyle(node);
    context.font = `${style.fontSize} ${style.fontFamily}`;
    cache.clear();
  };
  return measure;
}
