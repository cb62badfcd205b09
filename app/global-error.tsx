'use client';

/** The root layout itself failed: a bare page with its own styles (globals.css does not apply here). */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem', colorScheme: 'light dark' }}>
        <main>
          <h1 style={{ fontSize: '1.1rem' }}>Sidecar Fleet could not start this page</h1>
          <p>The dashboard server failed while rendering. Try again in a moment.</p>
          <button type="button" onClick={() => retry()} style={{ padding: '0.4rem 0.8rem' }}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
