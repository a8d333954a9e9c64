/** Where the session (its refresh token) is kept in localStorage; main.ts reads it before anything else loads. */
export const SESSION_KEY = "easyqr.session";
