import { nextTick } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import type { useAuthStore } from '@/stores/auth';
import { guardDecision } from './guard';
import { adminRoutes } from './admin-routes';
import { studentRoutes } from './student-routes';
import { teacherRoutes } from './teacher-routes';

/**
 * Every page is its own chunk (the first load stays small). History mode: the API serves index.html
 * for any non-API path, so a deep link survives a reload.
 */
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/pages/HomePage.vue'), meta: { title: 'home.title' } },
  {
    path: '/connexion/:portal(admin|correcteur|eleve)',
    name: 'sign-in',
    component: () => import('@/pages/SignInPage.vue'),
    meta: { signIn: true, title: 'signIn.title' },
  },
  {
    path: '/mot-de-passe',
    name: 'change-password',
    component: () => import('@/pages/ChangePasswordPage.vue'),
    meta: { passwordChange: true, title: 'changePassword.title' },
  },
  { path: '/admin', component: () => import('@/pages/admin/AdminLayout.vue'), meta: { role: 'admin' }, children: adminRoutes },
  {
    path: '/correcteur',
    component: () => import('@/pages/teacher/TeacherLayout.vue'),
    meta: { role: 'teacher' },
    children: teacherRoutes,
  },
  {
    path: '/eleve',
    component: () => import('@/pages/student/StudentLayout.vue'),
    meta: { role: 'student' },
    children: studentRoutes,
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { title: 'notFound.title' } },
];

export const createPortalRouter = (auth: ReturnType<typeof useAuthStore>): Router => {
  const router = createRouter({ history: createWebHistory(), routes });

  router.beforeEach(async (to) => {
    try {
      await auth.load();
    } catch {
      // API unreachable: public pages still open and say so when used; protected ones go to sign-in.
    }
    return guardDecision(to, auth.viewer);
  });

  router.afterEach(async () => {
    // Screen readers and keyboards start reading the new page, not the link that led to it.
    await nextTick();
    document.getElementById('main-content')?.focus({ preventScroll: true });
  });

  return router;
};
