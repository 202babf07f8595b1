import type { RouteRecordRaw } from 'vue-router';

/** The student's pages (DESIGN §1): their published results, and each corrected copy. */
export const studentRoutes: RouteRecordRaw[] = [
  { path: '', name: 'student-home', component: () => import('@/pages/student/StudentHomePage.vue'), meta: { title: 'student.home.title' } },
  {
    path: 'resultats/:copyId',
    name: 'student-result',
    component: () => import('@/pages/student/StudentResultPage.vue'),
    props: true,
    meta: { title: 'student.result.title' },
  },
];
