// uuid.js — UUID v7 (RFC 9562): 48-bit Unix ms time, then random bits, so ids
// sort by creation time. A counter in rand_a keeps ids made in the same
// millisecond in order on this device.
let lastMs = -1;
let counter = 0;

export function uuidv7(nowMs = Date.now()) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  if (nowMs <= lastMs) {
    nowMs = lastMs;
    counter = (counter + 1) & 0xfff;
    if (counter === 0) nowMs = ++lastMs; // 4096 in one ms: borrow the next ms
  } else {
    counter = ((bytes[6] & 0x07) << 8) | bytes[7]; // random start, room to count up
  }
  lastMs = nowMs;
  let ms = nowMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidTime(id) {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
