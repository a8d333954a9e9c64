// The app's styles, one list for the app and for the signed-out start page shown alone (firstScreen.tsx).
import "./base.css";
import "./desktop.css";
import "./phone.css";
import "./auth.css";
import "./app.css";
import "./chat.css";
import "./linking.css";
import "./messageInfo.css";
import "./messageActions.css";
import "./scanToDesktop.css";
import "./search.css";
import "./account.css";
import "./chatActions.css";
import "./groups.css";
