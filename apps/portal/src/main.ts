import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n } from './i18n';
import { createPortalRouter } from './router';
import { client } from './graphql/client';
import { useAuthStore } from './stores/auth';
import './styles/base.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
const auth = useAuthStore(pinia);
client.onSessionExpired(() => auth.expectReauth());
app.use(createPortalRouter(auth));
document.documentElement.lang = i18n.global.locale.value;
app.mount('#app');
