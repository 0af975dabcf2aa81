// Strict UTF-8 decoding that says where the first bad byte is. TextDecoder with
// `fatal: true` refuses bad input but does not say where; the scan below finds
// the place only when decoding failed, so valid files are decoded once.

export type Decoded = { ok: true; text: string } | { ok: false; offset: number; line: number; column: number; bytes: string; hint: string };

export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    // The default ignoreBOM: false drops a leading byte order mark, as editors do.
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidOffset(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++)
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    const shown = `0x${(bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0")}`;
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    return { ok: false, offset, line, column: offset - lineStart + 1, bytes: shown, hint: utf16 ? "; the file looks like UTF-16" : "" };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte: length and the allowed range of the second byte (no overlongs, no surrogates, nothing above U+10FFFF).
    let length: number,
      low = 0x80,
      high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += length;
  }
  return bytes.length;
}
