// Draws the demo show's product pictures (resources/demo/images/*.jpg): simple
// but presentable jewelry on soft studio backgrounds, as SVG rendered by sharp, so
// the demo ships no photographs and anyone can regenerate them:
//   node scripts/make-demo-images.mjs
// Each JPEG is kept at or under 60 KB (the quality steps down until it fits).
import { Buffer } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo', 'images');
const SIZE = 640;
const MAX_BYTES = 60 * 1024;

/** A backdrop: a radial glow over a vertical gradient, and a soft floor shadow. */
function backdrop(top, bottom, glow) {
  return `
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient>
    <radialGradient id="glow" cx="0.5" cy="0.42" r="0.55"><stop offset="0" stop-color="${glow}" stop-opacity="0.55"/><stop offset="1" stop-color="${glow}" stop-opacity="0"/></radialGradient>
    <linearGradient id="gold" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff1b8"/><stop offset="0.35" stop-color="#e5b84a"/><stop offset="0.7" stop-color="#a8741a"/><stop offset="1" stop-color="#f5d77a"/></linearGradient>
    <linearGradient id="white" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset="0.4" stop-color="#c9ced6"/><stop offset="0.75" stop-color="#8a93a0"/><stop offset="1" stop-color="#eef1f5"/></linearGradient>
    <linearGradient id="ice" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset="0.5" stop-color="#cfe8ff"/><stop offset="1" stop-color="#8fb8e8"/></linearGradient>
    <radialGradient id="pearl" cx="0.35" cy="0.3" r="0.75"><stop offset="0" stop-color="#ffffff"/><stop offset="0.55" stop-color="#f3e9e1"/><stop offset="1" stop-color="#c8b6a8"/></radialGradient>
    <radialGradient id="sapphire" cx="0.4" cy="0.35" r="0.7"><stop offset="0" stop-color="#7fb2ff"/><stop offset="0.5" stop-color="#1f4fbf"/><stop offset="1" stop-color="#0b1f5c"/></radialGradient>
    <filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="14"/></filter>
  </defs>
  <rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/>
  <rect width="${SIZE}" height="${SIZE}" fill="url(#glow)"/>`;
}

function shadow(cx, cy, rx, ry) {
  return `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="#000" fill-opacity="0.35" filter="url(#soft)"/>`;
}

/** A brilliant-cut stone seen from the side, `w` wide, table at (cx, top). */
function diamond(cx, top, w, fill = 'url(#ice)') {
  const h = w * 0.95;
  const crown = `${cx - w * 0.3},${top} ${cx + w * 0.3},${top} ${cx + w / 2},${top + h * 0.3} ${cx - w / 2},${top + h * 0.3}`;
  const pavilion = `${cx - w / 2},${top + h * 0.3} ${cx + w / 2},${top + h * 0.3} ${cx},${top + h}`;
  const facets = [
    `M${cx - w * 0.3},${top} L${cx - w * 0.15},${top + h * 0.3} L${cx},${top} L${cx + w * 0.15},${top + h * 0.3} L${cx + w * 0.3},${top}`,
    `M${cx - w * 0.15},${top + h * 0.3} L${cx},${top + h} L${cx + w * 0.15},${top + h * 0.3}`,
    `M${cx - w * 0.5},${top + h * 0.3} L${cx - w * 0.08},${top + h * 0.9} M${cx + w * 0.5},${top + h * 0.3} L${cx + w * 0.08},${top + h * 0.9}`,
  ];
  return `<polygon points="${pavilion}" fill="${fill}" stroke="#ffffff" stroke-opacity="0.8" stroke-width="2"/>
  <polygon points="${crown}" fill="${fill}" stroke="#ffffff" stroke-opacity="0.9" stroke-width="2"/>
  ${facets.map((d) => `<path d="${d}" fill="none" stroke="#ffffff" stroke-opacity="0.6" stroke-width="1.5"/>`).join('')}`;
}

/** A four-point sparkle. */
function sparkle(x, y, r) {
  return `<path d="M${x},${y - r} Q${x + r * 0.12},${y - r * 0.12} ${x + r},${y} Q${x + r * 0.12},${y + r * 0.12} ${x},${y + r} Q${x - r * 0.12},${y + r * 0.12} ${x - r},${y} Q${x - r * 0.12},${y - r * 0.12} ${x},${y - r}Z" fill="#ffffff" fill-opacity="0.9"/>`;
}

/** A ring band seen slightly from above: an ellipse stroked with metal, lit on one side. */
function band(cx, cy, rx, ry, metal, width) {
  return `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="none" stroke="${metal}" stroke-width="${width}"/>
  <path d="M${cx - rx * 0.85},${cy + ry * 0.5} A${rx},${ry} 0 0 0 ${cx + rx * 0.2},${cy + ry * 0.98}" fill="none" stroke="#ffffff" stroke-opacity="0.55" stroke-width="${width * 0.18}" stroke-linecap="round"/>`;
}

/** Small round stones along the front arc of an ellipse. */
function stonesOnArc(cx, cy, rx, ry, count, r, from = 0.1, to = 0.9, fill = 'url(#ice)') {
  let out = '';
  for (let i = 0; i < count; i++) {
    const t = Math.PI * (from + ((to - from) * i) / (count - 1));
    const x = cx + rx * Math.cos(Math.PI - t);
    const y = cy + ry * Math.sin(t);
    out += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${fill}" stroke="#ffffff" stroke-opacity="0.85" stroke-width="1.5"/>`;
  }
  return out;
}

const IMAGES = {
  'solitaire-ring.jpg': () =>
    backdrop('#2b2440', '#0e0c16', '#b9a7ff') +
    shadow(320, 470, 190, 26) +
    band(320, 380, 170, 78, 'url(#white)', 30) +
    `<path d="M282,300 L300,236 L340,236 L358,300" fill="url(#white)" stroke="#ffffff" stroke-opacity="0.5"/>` +
    diamond(320, 150, 150) +
    sparkle(410, 150, 22) +
    sparkle(230, 210, 12),
  'solitaire-ring-side.jpg': () =>
    backdrop('#3a2f4f', '#141020', '#ffd6f0') +
    shadow(320, 500, 160, 22) +
    `<ellipse cx="320" cy="360" rx="120" ry="130" fill="none" stroke="url(#white)" stroke-width="34"/>` +
    `<path d="M300,236 L310,206 L330,206 L340,236" fill="url(#white)"/>` +
    diamond(320, 96, 132) +
    sparkle(250, 120, 16),
  'eternity-band.jpg': () =>
    backdrop('#1f2a36', '#0a0f14', '#9fd3ff') +
    shadow(320, 450, 200, 24) +
    band(320, 350, 185, 90, 'url(#white)', 34) +
    stonesOnArc(320, 350, 185, 90, 15, 13, 0.04, 0.96) +
    sparkle(470, 250, 20),
  'sapphire-pendant.jpg': () =>
    backdrop('#20304a', '#0a0f1a', '#9ec5ff') +
    `<path d="M90,40 Q320,420 550,40" fill="none" stroke="url(#gold)" stroke-width="5" stroke-dasharray="10 4"/>` +
    shadow(330, 520, 90, 18) +
    `<circle cx="320" cy="262" r="14" fill="none" stroke="url(#gold)" stroke-width="6"/>` +
    stonesOnArc(320, 380, 82, 100, 16, 9, -0.02, 2.02) +
    `<ellipse cx="320" cy="380" rx="62" ry="80" fill="url(#sapphire)" stroke="url(#gold)" stroke-width="6"/>` +
    `<ellipse cx="300" cy="350" rx="16" ry="24" fill="#ffffff" fill-opacity="0.35"/>` +
    sparkle(390, 300, 18),
  'pearl-strand.jpg': () => {
    let pearls = '';
    for (let i = 0; i < 19; i++) {
      const t = Math.PI * (0.06 + (0.88 * i) / 18);
      const x = 320 - 240 * Math.cos(t);
      const y = 150 + 300 * Math.sin(t);
      pearls += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="24" fill="url(#pearl)"/>`;
    }
    return backdrop('#efe6da', '#b9a58f', '#ffffff') + shadow(320, 500, 220, 26) + pearls + `<circle cx="320" cy="466" r="14" fill="url(#gold)"/>`;
  },
  'signet-ring.jpg': () =>
    backdrop('#4a3426', '#1a110b', '#ffb36b') +
    shadow(320, 480, 170, 24) +
    band(320, 380, 150, 80, 'url(#white)', 34) +
    `<ellipse cx="320" cy="290" rx="96" ry="74" fill="url(#white)" stroke="#6c7480" stroke-width="4"/>` +
    `<ellipse cx="320" cy="290" rx="76" ry="56" fill="none" stroke="#5b636e" stroke-width="3"/>` +
    `<text x="320" y="314" text-anchor="middle" font-family="DejaVu Serif" font-size="68" font-weight="bold" fill="#59616c">C</text>` +
    sparkle(420, 230, 14),
  'diamond-studs.jpg': () =>
    backdrop('#2e2a3a', '#0f0d14', '#e8dcff') +
    shadow(220, 430, 90, 16) +
    shadow(420, 430, 90, 16) +
    [220, 420]
      .map(
        (cx) =>
          `<circle cx="${cx}" cy="300" r="86" fill="url(#white)"/>` +
          `<circle cx="${cx}" cy="300" r="70" fill="url(#ice)" stroke="#ffffff" stroke-width="2"/>` +
          `<polygon points="${Array.from({ length: 8 }, (_, k) => `${(cx + 44 * Math.cos((k * Math.PI) / 4)).toFixed(1)},${(300 + 44 * Math.sin((k * Math.PI) / 4)).toFixed(1)}`).join(' ')}" fill="none" stroke="#ffffff" stroke-opacity="0.8" stroke-width="2"/>` +
          Array.from({ length: 8 }, (_, k) => `<line x1="${cx}" y1="300" x2="${(cx + 70 * Math.cos((k * Math.PI) / 4 + Math.PI / 8)).toFixed(1)}" y2="${(300 + 70 * Math.sin((k * Math.PI) / 4 + Math.PI / 8)).toFixed(1)}" stroke="#ffffff" stroke-opacity="0.45" stroke-width="1.5"/>`).join(''),
      )
      .join('') +
    sparkle(290, 210, 20),
  'tennis-bracelet.jpg': () =>
    backdrop('#2a2418', '#0d0b07', '#ffe3a3') +
    shadow(320, 470, 230, 26) +
    band(320, 340, 220, 120, 'url(#gold)', 26) +
    stonesOnArc(320, 340, 220, 120, 21, 11, 0.02, 0.98) +
    sparkle(500, 230, 18),
};

await mkdir(OUT, { recursive: true });
for (const [name, draw] of Object.entries(IMAGES)) {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}">${draw()}</svg>`);
  let quality = 84;
  let jpeg = await sharp(svg).jpeg({ quality, mozjpeg: true }).toBuffer();
  while (jpeg.length > MAX_BYTES && quality > 40) {
    quality -= 6;
    jpeg = await sharp(svg).jpeg({ quality, mozjpeg: true }).toBuffer();
  }
  if (jpeg.length > MAX_BYTES) throw new Error(`${name} is ${jpeg.length} bytes even at quality ${quality}`);
  await writeFile(join(OUT, name), jpeg);
  console.log(`${name}: ${(jpeg.length / 1024).toFixed(1)} KB (quality ${quality})`);
}
