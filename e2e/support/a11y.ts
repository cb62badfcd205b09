import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** One line per serious or critical axe violation: rule, impact, and the first few offending nodes. */
function seriousOnes(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/**
 * Scans the page as it is now with axe (WCAG 2.x A and AA rules and best practices), in the light
 * and in the dark theme, and fails on any serious or critical violation. The theme is switched the
 * way the app's own toggle does it (the `dark` class on <html>), with the OS preference to match.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate((dark) => document.documentElement.classList.toggle('dark', dark), scheme === 'dark');
    // Controls with `transition-colors` fade into the new theme: scan the colours they end on,
    // not a frame halfway through the fade.
    // (Only transitions: infinite animations such as the live marker's pulse never finish.)
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a instanceof CSSTransition)
          .map((a) => a.finished.catch(() => undefined)),
      ),
    );
    const results = await new AxeBuilder({ page }).analyze();
    expect(seriousOnes(results.violations), `${what}, ${scheme} theme`).toEqual([]);
  }
}
