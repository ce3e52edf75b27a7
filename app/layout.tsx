import type { Metadata } from 'next';
import './globals.css';

// Every page is rendered per request: its scripts carry that request's CSP nonce (lib/security/headers.ts),
// which a page prerendered at build time could not.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Parley',
  description: 'WhatsApp contact center',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
