export const START_MARKER = '<!-- leaderboard:start -->';
export const END_MARKER = '<!-- leaderboard:end -->';

/**
 * Replaces only what lies between the markers (which stay); every byte outside them is kept as it was.
 * Returns why not when the markers are missing, repeated or out of order.
 */
export function injectBetweenMarkers(document: string, content: string): { text: string } | { problem: string } {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  const count = (m: string) => document.split(m).length - 1;
  if (start < 0 || end < 0) return { problem: `needs the lines ${START_MARKER} and ${END_MARKER}; add them where the leaderboard goes` };
  if (count(START_MARKER) > 1 || count(END_MARKER) > 1) return { problem: `has more than one ${START_MARKER} / ${END_MARKER} pair; keep exactly one` };
  if (end < start) return { problem: `has ${END_MARKER} before ${START_MARKER}; put the start marker first` };
  const before = document.slice(0, start + START_MARKER.length);
  return { text: `${before}\n${content.replace(/\n+$/, '')}\n${document.slice(end)}` };
}
