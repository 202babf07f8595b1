import type { RouteRecordRaw } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page takes the whole window under the header (the correction workspace). */
    fullWidth?: boolean;
  }
}

/** The corrector's pages (DESIGN §1): their exams, the lot of each, and the correction workspace. */
export const teacherRoutes: RouteRecordRaw[] = [
  { path: '', name: 'teacher-home', component: () => import('@/pages/teacher/TeacherHomePage.vue'), meta: { title: 'teacher.home.title' } },
  {
    path: 'examens/:examId',
    name: 'teacher-lot',
    component: () => import('@/pages/teacher/TeacherLotPage.vue'),
    props: true,
    meta: { title: 'teacher.lot.title' },
  },
  {
    path: 'copies/:copyId',
    name: 'teacher-copy',
    component: () => import('@/pages/teacher/TeacherCorrectionPage.vue'),
    props: true,
    meta: { title: 'teacher.workspace.title', fullWidth: true },
  },
];
