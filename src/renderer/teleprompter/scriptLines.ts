// The host's script as the teleprompter lays it out: lines of text with the
// `[[marker]]` cues in place. Markers are found by the same parser the importer
// validated the script with (shared/rundown.ts), so a jump request names exactly
// what is on screen; anything that is not a valid marker stays plain text.
import { parseScriptMarkers } from '../../shared/rundown';

export type ScriptPiece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'marker'; readonly name: string };

/** One script line (an empty array is a blank line, a paragraph break). */
export type ScriptLine = readonly ScriptPiece[];

export function splitScript(script: string): ScriptLine[] {
  const lines: ScriptPiece[][] = [[]];
  const addText = (text: string): void => {
    text.split('\n').forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== '') lines[lines.length - 1]!.push({ kind: 'text', text: part });
    });
  };
  let from = 0;
  for (const marker of parseScriptMarkers(script).markers) {
    addText(script.slice(from, marker.index));
    lines[lines.length - 1]!.push({ kind: 'marker', name: marker.name });
    from = script.indexOf(']]', marker.index) + 2;
  }
  addText(script.slice(from));
  return lines;
}

/** Markers are unique without case (the parser refuses "Price" next to "price"). */
export function markerKey(name: string): string {
  return name.trim().toLowerCase();
}

export function scriptMarkers(script: string): string[] {
  return parseScriptMarkers(script).markers.map((m) => m.name);
}
