'use strict';
// Draws the app icons (a receipt with a check badge) and writes color.png and outline.png.
// Run `node manifest/icons.js` after changing the design; the PNGs are committed.
// Teams wants color.png 192x192 full colour and outline.png 32x32 white on transparent.

const fs = require('node:fs');
const path = require('node:path');
const { encodePng } = require('./png');

// Same value as accentColor in manifest.json, so the icon tile and app colour agree.
const ACCENT = [0x0e, 0x7c, 0x66];
const ACCENT_DARK = [0x0a, 0x4f, 0x42];
const ACCENT_LIGHT = [0x9f, 0xd8, 0xcb];
const AMBER = [0xff, 0xb9, 0x00];
const WHITE = [0xff, 0xff, 0xff];

// 8x8 samples per pixel: smooth edges at 32 px without a real rasteriser.
const SUPERSAMPLE = 8;

// --- shapes: (x, y) -> boolean, in pixel coordinates of the target image ---

function polygon(points) {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** A stroked polyline with round caps and joins. */
function stroke(points, width, closed = false) {
  const segments = [];
  for (let i = 0; i + 1 < points.length; i++) segments.push([points[i], points[i + 1]]);
  if (closed) segments.push([points[points.length - 1], points[0]]);
  return (x, y) => segments.some(([a, b]) => segmentDistance(x, y, a, b) <= width / 2);
}

function circle(cx, cy, r) {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Outline of a receipt: flat top, straight sides, zig-zag tear-off bottom edge. */
function receiptPoints(left, top, right, bottom, teeth, depth) {
  const points = [
    [left, top],
    [right, top],
    [right, bottom],
  ];
  const tooth = (right - left) / teeth;
  for (let i = 1; i <= teeth; i++) {
    points.push([right - tooth * (i - 0.5), bottom - depth]);
    points.push([right - tooth * i, bottom]);
  }
  return points;
}

// --- rendering ---

/**
 * Renders layers painted in order; a layer with `clear: true` punches a transparent hole.
 * Evaluating the whole stack per sample (rather than compositing anti-aliased layers) keeps
 * shared edges free of halo seams.
 */
function render(size, layers) {
  const rgba = new Uint8Array(size * size * 4);
  const n = SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = px + (sx + 0.5) / n;
          const y = py + (sy + 0.5) / n;
          // The topmost layer that covers the sample decides its colour.
          let colour = null;
          for (let l = layers.length - 1; l >= 0; l--) {
            if (layers[l].shape(x, y)) {
              colour = layers[l].clear ? null : layers[l].colour;
              break;
            }
          }
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return rgba;
}

function colorIcon() {
  const size = 192;
  const receipt = receiptPoints(50, 34, 122, 150, 6, 10);
  const badge = { x: 126, y: 132, r: 30 };
  const check = [
    [badge.x - 13, badge.y + 1],
    [badge.x - 4, badge.y + 10],
    [badge.x + 13, badge.y - 9],
  ];
  return render(size, [
    { shape: () => true, colour: ACCENT },
    { shape: polygon(receipt), colour: WHITE },
    {
      shape: stroke(
        [
          [66, 60],
          [106, 60],
        ],
        8,
      ),
      colour: ACCENT,
    },
    {
      shape: stroke(
        [
          [66, 80],
          [106, 80],
        ],
        8,
      ),
      colour: ACCENT_LIGHT,
    },
    {
      shape: stroke(
        [
          [66, 100],
          [90, 100],
        ],
        8,
      ),
      colour: ACCENT_LIGHT,
    },
    // Ring in the background colour separates the badge from the receipt.
    { shape: circle(badge.x, badge.y, badge.r + 6), colour: ACCENT },
    { shape: circle(badge.x, badge.y, badge.r), colour: AMBER },
    { shape: stroke(check, 8), colour: ACCENT_DARK },
  ]);
}

function outlineIcon() {
  const size = 32;
  const receipt = receiptPoints(6, 3.5, 21, 27, 3, 2.5);
  const badge = { x: 23, y: 22.5, r: 6.5 };
  const check = [
    [badge.x - 3.2, badge.y + 0.2],
    [badge.x - 1, badge.y + 2.4],
    [badge.x + 3.2, badge.y - 2.2],
  ];
  return render(size, [
    { shape: stroke(receipt, 2, true), colour: WHITE },
    {
      shape: stroke(
        [
          [10, 9],
          [17, 9],
        ],
        2,
      ),
      colour: WHITE,
    },
    {
      shape: stroke(
        [
          [10, 13.5],
          [15, 13.5],
        ],
        2,
      ),
      colour: WHITE,
    },
    // Transparent gap around the badge so it reads as a separate mark at 32 px.
    { shape: circle(badge.x, badge.y, badge.r + 1.5), clear: true },
    { shape: circle(badge.x, badge.y, badge.r), colour: WHITE },
    { shape: stroke(check, 1.8), clear: true },
  ]);
}

function writeIcons(dir = __dirname) {
  fs.writeFileSync(path.join(dir, 'color.png'), encodePng(192, 192, colorIcon()));
  fs.writeFileSync(path.join(dir, 'outline.png'), encodePng(32, 32, outlineIcon()));
}

if (require.main === module) {
  writeIcons();
  console.log('wrote manifest/color.png (192x192) and manifest/outline.png (32x32)');
}

module.exports = { writeIcons, ACCENT };
