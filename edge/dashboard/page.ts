/** The dashboard page served at `GET /` (placeholder until the dashboard lands). */
export function dashboardPage(): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>livetune</title></head><body><h1>livetune</h1></body></html>';
}
