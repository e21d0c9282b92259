/**
 * The local issuer's own pages (es-PE): sign-in, sign-out and errors. Plain HTML forms with no
 * script, styled by one stylesheet served from the issuer, under a CSP that allows nothing else.
 */

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );

export const LOGIN_STYLESHEET_PATH = '/assets/login.css';

export const LOGIN_STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1b1f24}
main{max-width:24rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.35rem;margin:0 0 .25rem}
p{margin:.25rem 0 1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid #6b7280;border-radius:4px}
input:focus,button:focus{outline:3px solid #1d4ed8;outline-offset:2px}
button{margin-top:1.25rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8;margin-top:.5rem}
.error{color:#a61b1b;background:#fdecec;border:1px solid #a61b1b;border-radius:4px;padding:.5rem .75rem}
.hint{color:#4b5563;font-size:.875rem}
`;

/** The CSP of every issuer page: its stylesheet only; forms post to the issuer (then redirect to the console). */
export function issuerPageCsp(consoleOrigin: string): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    // Chromium applies form-action to the redirects after a submission too: the sign-in ends at the console.
    `form-action 'self' ${consoleOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="es-PE">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${LOGIN_STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage(options: {
  action: string;
  email?: string;
  failed?: boolean;
  clientName: string;
}): string {
  return page(
    'Iniciar sesión — consola',
    `<h1>Iniciar sesión</h1>
<p>Consola de ${escapeHtml(options.clientName)} (emisor local de desarrollo).</p>
${options.failed ? '<p class="error" role="alert" id="login-error">Correo o contraseña incorrectos.</p>' : ''}
<form method="post" action="${escapeHtml(options.action)}" novalidate>
<label for="email">Correo electrónico</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(options.email ?? '')}"${options.failed ? ' aria-describedby="login-error" aria-invalid="true"' : ''}>
<label for="password">Contraseña</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Ingresar</button>
</form>
<p class="hint">Usuarios locales: finanzas@, finanzas2@, soporte@, admin@ y vendedor@local.test.</p>`,
  );
}

/** oidc-provider's logoutSource: `form` is its own hidden form (id op.logoutForm, with its xsrf token). */
export function logoutPage(form: string): string {
  return page(
    'Cerrar sesión — consola',
    `<h1>¿Cerrar sesión?</h1>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sí, cerrar sesión</button>
<button class="secondary" type="submit" form="op.logoutForm">No, seguir conectado</button>`,
  );
}

export function loggedOutPage(): string {
  return page('Sesión cerrada', '<h1>Sesión cerrada</h1><p>Puede cerrar esta ventana.</p>');
}

export function errorPage(error: string, description: string | undefined): string {
  return page(
    'Error de inicio de sesión',
    `<h1>No se pudo iniciar sesión</h1>
<p class="error" role="alert">${escapeHtml(error)}${description ? `: ${escapeHtml(description)}` : ''}</p>`,
  );
}
