import { startBrowserApp } from './app.js';

void startBrowserApp(Number(process.env.PORT ?? 3100)).then((app) => {
  console.log(`sessionguard browser demo on ${app.url}

Follow these steps in a browser (Chrome, Chromium or Firefox):
1. Open ${app.url}/ and press "Sign in as Ada": you land on the dashboard; two HttpOnly cookies are set
   (__Host-sg_session: the 5-minute session JWT; __Host-sg_session_token: the session token).
2. Press "Call the API": 200 with your subject and session id, verified locally.
3. Press "Expire the session JWT now" (moves the server's clock 6 minutes), then "Call the API" again:
   still 200. The middleware renewed the JWT from the session token: the __Host-sg_session cookie changed
   (see DevTools > Application > Cookies). No redirect, no login.
4. Delete the __Host-sg_session cookie in DevTools and reload: still signed in, a new JWT cookie is set.
5. Press "Sign out": both cookies are cleared; ${app.url}/dashboard now answers 401 with a JSON error.
Authenticate calls made so far are counted by the server; press Ctrl+C to stop.`);
});
