/**
 * The login page's HTML and stylesheet: Chinese first, English second, a plain form (works without any
 * script), labelled fields, visible focus, text contrast above WCAG AA.
 */

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const PROBLEMS: Readonly<Record<string, string>> = {
  credentials: '用户名或密码不正确。 The user name or password is not right.',
  csrf: '登录表单已过期，请重新输入。 The sign-in form expired; please enter your details again.',
};

export interface LoginPage {
  readonly appName: string;
  readonly params: Readonly<Record<string, string>>;
  readonly csrf: string;
  readonly problem?: string;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="/oauth2/login.css">
</head>
<body>
<main class="card">
${body}
</main>
</body>
</html>
`;
}

export function renderLoginPage(p: LoginPage): string {
  const hidden = Object.entries(p.params)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('\n');
  const problem = p.problem ? `<p class="problem" role="alert" id="problem">${escape(PROBLEMS[p.problem] ?? p.problem)}</p>` : '';
  return page(
    '登录 · Sign in — 健康共同体数据平台',
    `<h1>健康共同体数据平台 <span lang="en">Health Community Hub</span></h1>
<p class="app">登录到 <strong>${escape(p.appName)}</strong> <span lang="en">Sign in to continue</span></p>
${problem}
<form method="post" action="/oauth2/authorize" autocomplete="on">
${hidden}
<input type="hidden" name="csrf" value="${escape(p.csrf)}">
<label for="username">用户名 <span lang="en">User name</span></label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${p.problem ? ' aria-describedby="problem"' : ''}>
<label for="password">密码 <span lang="en">Password</span></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 <span lang="en">Sign in</span></button>
</form>
<p class="note">您的访问权限取决于您所在的机构和角色，所有操作均被审计。 <span lang="en">What you may see depends on your organization and role; every access is audited.</span></p>`,
  );
}

export function renderLoginProblem(description: string): string {
  return page(
    '无法登录 · Cannot sign in',
    `<h1>无法登录 <span lang="en">Cannot sign in</span></h1>
<p class="problem" role="alert">应用的登录请求无效。 <span lang="en">The app's sign-in request is not valid:</span> ${escape(description)}</p>`,
  );
}

export const LOGIN_CSS = `*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#eef2f6;color:#1a1f29;font:16px/1.5 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
.card{background:#fff;width:min(440px,94vw);padding:2rem;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 .5rem}
h1 span{display:block;font-size:.95rem;font-weight:400;color:#424b5a}
.app{color:#424b5a;margin:0 0 1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
label span{font-weight:400;color:#424b5a}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.7rem .8rem;border:1px solid #6b7380;border-radius:8px}
input:focus,button:focus{outline:3px solid #1c5fb8;outline-offset:2px}
button{margin-top:1.5rem;width:100%;font:inherit;font-weight:600;padding:.8rem;border:0;border-radius:8px;background:#1c5fb8;color:#fff;cursor:pointer}
button:hover{background:#154a91}
.problem{background:#fdecea;color:#8a1c12;border:1px solid #e3a49c;border-radius:8px;padding:.6rem .8rem}
.note{font-size:.85rem;color:#505968;margin-top:1.25rem}
`;
