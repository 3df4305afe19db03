#!/usr/bin/env node
// Draws the tray icons (running, paused, error; 1x and @2x) and the app icon as PNGs into
// assets/, with a tiny PNG encoder on node:zlib: no image tools needed, and the output is the
// same bytes on every run. Shapes are signed-distance functions, so edges are anti-aliased.
// Usage: node scripts/make-icons.mjs   (then commit assets/)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// --- PNG encoding (RGBA, 8 bits per channel, no interlace) ---
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- drawing: a premultiplied float canvas, shapes as signed distances in pixels ---
function canvas(size) {
  return { size, px: new Float64Array(size * size * 4) };
}

function hex(color, alpha = 1) {
  const n = Number.parseInt(color.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255, alpha];
}

/** Paints `colorAt(x, y)` wherever `distance(x, y)` < 0, anti-aliased over one pixel. */
function fill(c, distance, colorAt) {
  for (let y = 0; y < c.size; y += 1) {
    for (let x = 0; x < c.size; x += 1) {
      const d = distance(x + 0.5, y + 0.5);
      const coverage = Math.min(1, Math.max(0, 0.5 - d));
      if (coverage === 0) continue;
      const [r, g, b, a] = colorAt(x + 0.5, y + 0.5);
      const alpha = a * coverage;
      const i = (y * c.size + x) * 4;
      const keep = 1 - alpha;
      c.px[i] = r * alpha + c.px[i] * keep;
      c.px[i + 1] = g * alpha + c.px[i + 1] * keep;
      c.px[i + 2] = b * alpha + c.px[i + 2] * keep;
      c.px[i + 3] = alpha + c.px[i + 3] * keep;
    }
  }
}

function toRgba(c) {
  const out = new Uint8Array(c.size * c.size * 4);
  for (let i = 0; i < out.length; i += 4) {
    const a = c.px[i + 3];
    out[i + 3] = Math.round(a * 255);
    if (a === 0) continue;
    for (let k = 0; k < 3; k += 1) out[i + k] = Math.round(Math.min(1, c.px[i + k] / a) * 255);
  }
  return out;
}

const roundedRect = (cx, cy, halfW, halfH, r) => (x, y) => {
  const qx = Math.abs(x - cx) - (halfW - r);
  const qy = Math.abs(y - cy) - (halfH - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const solid = (color) => () => color;

// --- the tray icon: a toggle switch, coloured and set by status ---
const TRAY = {
  'tray-running': { pill: '#16a34a', knob: 'right' },
  'tray-paused': { pill: '#8b929c', knob: 'left' },
  'tray-error': { pill: '#dc2626', knob: 'middle' },
};

function trayIcon(name, size) {
  const s = size / 16; // drawn on a 16-unit grid
  const c = canvas(size);
  const { pill, knob } = TRAY[name];
  // A dark rim keeps the shape visible on light and dark menu bars alike.
  fill(c, roundedRect(8 * s, 8 * s, 7.5 * s, 4.5 * s, 4.5 * s), solid(hex('#1f2937', 0.55)));
  fill(c, roundedRect(8 * s, 8 * s, 6.75 * s, 3.75 * s, 3.75 * s), solid(hex(pill)));
  const knobX = { left: 5 * s, middle: 8 * s, right: 11 * s }[knob];
  fill(c, circle(knobX, 8 * s, 2.6 * s), solid(hex('#ffffff')));
  if (name === 'tray-error') {
    // A short bar through the knob: "stopped", readable without colour.
    fill(c, roundedRect(8 * s, 8 * s, 1.6 * s, 0.55 * s, 0.5 * s), solid(hex('#dc2626')));
  }
  return encodePng(size, size, toRgba(c));
}

// --- the app icon: three switches on a rounded indigo tile ---
function appIcon(size) {
  const c = canvas(size);
  const u = size / 1024;
  const top = hex('#6366f1');
  const bottom = hex('#4338ca');
  fill(c, roundedRect(512 * u, 512 * u, 430 * u, 430 * u, 190 * u), (_x, y) => {
    const t = Math.min(1, Math.max(0, (y / u - 82) / 860));
    return [0, 1, 2].map((k) => top[k] + (bottom[k] - top[k]) * t).concat(1);
  });
  const rows = [
    { y: 322, on: true },
    { y: 512, on: false },
    { y: 702, on: true },
  ];
  for (const row of rows) {
    const cy = row.y * u;
    fill(c, roundedRect(512 * u, cy, 250 * u, 70 * u, 70 * u), solid(row.on ? hex('#22c55e') : hex('#ffffff', 0.28)));
    fill(c, circle((row.on ? 692 : 332) * u, cy, 54 * u), solid(hex('#ffffff')));
  }
  return encodePng(size, size, toRgba(c));
}

function write(relative, bytes) {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  process.stdout.write(`${relative} (${bytes.length} bytes)\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of Object.keys(TRAY)) {
    write(`assets/tray/${name}.png`, trayIcon(name, 16));
    write(`assets/tray/${name}@2x.png`, trayIcon(name, 32));
  }
  write('assets/icon.png', appIcon(1024));
}
