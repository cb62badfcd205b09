import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './quantity';

describe('canonicalQuantity (k8s.io/apimachinery/pkg/api/resource, ParseQuantity then MarshalJSON)', () => {
  // Each pair is what resource.Quantity of k8s.io/apimachinery v0.32.10 marshals for the input.
  it.each([
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['0.1Ki', '102400m'],
    ['-2048Ki', '-2Mi'],
    ['-1.5', '-1500m'],
    ['1500', '1500'],
    ['1500000', '1500k'],
    ['0.0000000001', '1n'],
    ['0.001m', '1u'],
    ['0Mi', '0'],
    ['12e-1', '1200e-3'],
    ['7e2', '700'],
    ['+1000e3', '1e6'],
    ['-999999.1e-9', '-1e-3'],
  ])('%s → %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it('keeps text the parser finds canonical already, quirks included', () => {
    for (const kept of ['100m', '1Ki', '2048', '100e3', '1.2e1', '1.500k', '+5', '007', '100.Mi']) {
      expect(canonicalQuantity(kept)).toBe(kept);
    }
  });

  it('leaves what is no quantity alone', () => {
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});
