/** The object classes of the synthetic data set: polygons in image pixels, exact boxes from their vertices. */

/** Category names, in id order (category id = index + 1). */
export const synthCategories = ["disc", "square", "triangle", "star", "ring", "cross"] as const
export type SynthCategory = (typeof synthCategories)[number]

/**
 * One shape: an outer polygon (x0, y0, x1, y1, ...) in image pixels (continuous coordinates), and for a ring an
 * inner polygon cut out of it (even-odd fill). Coordinates are rounded to 1/100 px so the SVG and the box agree.
 */
export interface Shape {
  readonly category: number
  readonly outer: Float64Array
  readonly hole?: Float64Array
}

const round2 = (v: number) => Math.round(v * 100) / 100

function regular(cx: number, cy: number, radii: ReadonlyArray<number>, n: number, rotation: number): Float64Array {
  const points = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    const angle = rotation + (2 * Math.PI * i) / n
    const r = radii[i % radii.length]
    points[2 * i] = round2(cx + r * Math.cos(angle))
    points[2 * i + 1] = round2(cy + r * Math.sin(angle))
  }
  return points
}

/** Vertices on a circle of radius r: enough that the polygon is a smooth disc at that size. */
function circleVertices(r: number): number {
  return Math.max(16, Math.min(160, Math.round(r / 3)))
}

/**
 * A shape of `category` centred at (cx, cy) whose box side is about `size` px, turned by `rotation` radians;
 * `aspect` in (0, 1] squashes discs into ellipses and squares into rectangles.
 */
export function makeShape(
  category: number,
  center: readonly [number, number],
  options: { readonly size: number; readonly rotation: number; readonly aspect: number },
): Shape {
  const [cx, cy] = center
  const { rotation, aspect } = options
  const r = options.size / 2
  switch (synthCategories[category]) {
    case "disc": {
      const n = circleVertices(r)
      const points = new Float64Array(2 * n)
      const cos = Math.cos(rotation)
      const sin = Math.sin(rotation)
      for (let i = 0; i < n; i++) {
        const t = (2 * Math.PI * i) / n
        const ex = r * Math.cos(t)
        const ey = r * aspect * Math.sin(t)
        points[2 * i] = round2(cx + ex * cos - ey * sin)
        points[2 * i + 1] = round2(cy + ex * sin + ey * cos)
      }
      return { category, outer: points }
    }
    case "square": {
      const hx = r / Math.SQRT2
      const hy = hx * aspect
      const cos = Math.cos(rotation)
      const sin = Math.sin(rotation)
      const corners = [-hx, -hy, hx, -hy, hx, hy, -hx, hy]
      const points = new Float64Array(8)
      for (let i = 0; i < 4; i++) {
        points[2 * i] = round2(cx + corners[2 * i] * cos - corners[2 * i + 1] * sin)
        points[2 * i + 1] = round2(cy + corners[2 * i] * sin + corners[2 * i + 1] * cos)
      }
      return { category, outer: points }
    }
    case "triangle":
      return { category, outer: regular(cx, cy, [r], 3, rotation) }
    case "star":
      return { category, outer: regular(cx, cy, [r, r * 0.42], 10, rotation) }
    case "ring": {
      const n = circleVertices(r)
      return { category, outer: regular(cx, cy, [r], n, rotation), hole: regular(cx, cy, [r * 0.55], n, rotation) }
    }
    case "cross": {
      const arm = r * 0.32
      // A plus sign: 12 corners at radius r along the axes, arm half-width `arm`, then turned.
      const local = [arm, -r, arm, -arm, r, -arm, r, arm, arm, arm, arm, r, -arm, r, -arm, arm, -r, arm, -r, -arm]
      const full = [-arm, -r, ...local, -arm, -arm]
      const cos = Math.cos(rotation)
      const sin = Math.sin(rotation)
      const points = new Float64Array(24)
      for (let i = 0; i < 12; i++) {
        points[2 * i] = round2(cx + full[2 * i] * cos - full[2 * i + 1] * sin)
        points[2 * i + 1] = round2(cy + full[2 * i] * sin + full[2 * i + 1] * cos)
      }
      return { category, outer: points }
    }
    default:
      throw new RangeError(
        `Cannot make shape: category must be in [0, ${synthCategories.length}), current value is ${category}`,
      )
  }
}

/** The box (x1, y1, x2, y2) of a shape: the extent of its outer vertices. */
export function shapeBox(shape: Shape): [number, number, number, number] {
  const p = shape.outer
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let i = 0; i < p.length; i += 2) {
    x1 = Math.min(x1, p[i])
    x2 = Math.max(x2, p[i])
    y1 = Math.min(y1, p[i + 1])
    y2 = Math.max(y2, p[i + 1])
  }
  return [x1, y1, x2, y2]
}

/** Area of the shape in px² (shoelace; a ring's hole subtracted). */
export function shapeArea(shape: Shape): number {
  return polygonArea(shape.outer) - (shape.hole ? polygonArea(shape.hole) : 0)
}

function polygonArea(p: Float64Array): number {
  let twice = 0
  const n = p.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) twice += p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1]
  return Math.abs(twice) / 2
}

function inPolygon(p: Float64Array, x: number, y: number): boolean {
  let inside = false
  const n = p.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i]
    const yi = p[2 * i + 1]
    const xj = p[2 * j]
    const yj = p[2 * j + 1]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function distanceToEdges(p: Float64Array, x: number, y: number): number {
  let best = Infinity
  const n = p.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = p[2 * j]
    const ay = p[2 * j + 1]
    const dx = p[2 * i] - ax
    const dy = p[2 * i + 1] - ay
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)))
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy))
  }
  return best
}

/** Whether (x, y) is painted by the shape, or lies within `margin` px of its painted area. */
export function covers(shape: Shape, x: number, y: number, margin = 0): boolean {
  const inOuter = inPolygon(shape.outer, x, y)
  const inHole = shape.hole !== undefined && inPolygon(shape.hole, x, y)
  if (inOuter && !inHole) return true
  if (margin <= 0) return false
  if (!inOuter) return distanceToEdges(shape.outer, x, y) < margin
  return distanceToEdges(shape.hole as Float64Array, x, y) < margin
}

/**
 * For each side of the box (left, top, right, bottom), the vertices that touch it: while one vertex per side
 * stays visible, occlusion leaves the visible box equal to the shape's box.
 */
export function extremeVertices(shape: Shape): ReadonlyArray<ReadonlyArray<readonly [number, number]>> {
  const [x1, y1, x2, y2] = shapeBox(shape)
  const p = shape.outer
  const sides: Array<Array<readonly [number, number]>> = [[], [], [], []]
  for (let i = 0; i < p.length; i += 2) {
    const v = [p[i], p[i + 1]] as const
    if (p[i] === x1) sides[0].push(v)
    if (p[i + 1] === y1) sides[1].push(v)
    if (p[i] === x2) sides[2].push(v)
    if (p[i + 1] === y2) sides[3].push(v)
  }
  return sides
}

/** SVG path data of the shape (even-odd fill makes a ring's hole). */
export function shapePath(shape: Shape): string {
  const ring = (p: Float64Array) => {
    let d = `M${p[0]} ${p[1]}`
    for (let i = 2; i < p.length; i += 2) d += `L${p[i]} ${p[i + 1]}`
    return `${d}Z`
  }
  return shape.hole ? ring(shape.outer) + ring(shape.hole) : ring(shape.outer)
}
