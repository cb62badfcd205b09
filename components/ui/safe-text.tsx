/**
 * Text that comes from the cluster and can say anything (images, annotations, event and kubelet
 * messages): direction isolated (<bdi>), control and bidi-override characters shown as visible
 * ⟨U+XXXX⟩ marks instead of acting on the text around them, long strings cut with the full
 * value in the title, and allowed to wrap anywhere so nothing widens the page.
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

export function visibleText(text: string): string {
  return text.replace(CONTROL, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

export function SafeText({ text, max = 300, className }: { text: string; max?: number; className?: string }) {
  const shown = visibleText(text);
  const cut = shown.length > max;
  return (
    <bdi className={`[overflow-wrap:anywhere] ${className ?? ''}`} title={cut || shown !== text ? shown : undefined}>
      {cut ? shown.slice(0, max) : shown}
      {cut && <span className="text-zinc-600 dark:text-zinc-400"> … (+{shown.length - max} characters)</span>}
    </bdi>
  );
}
