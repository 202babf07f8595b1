import type { RouteRecordRaw } from 'vue-router';

/**
 * The exam office's pages (DESIGN §1). An exam's scan pages (upload and live import, split review,
 * identification desk) are tabs of the exam, like its grading scale and correctors.
 */
export const adminRoutes: RouteRecordRaw[] = [
  { path: '', redirect: { name: 'admin-exams' } },
  { path: 'examens', name: 'admin-exams', component: () => import('@/pages/admin/AdminExamsPage.vue'), meta: { title: 'exams.title' } },
  {
    path: 'examens/:examId',
    component: () => import('@/pages/admin/exam/AdminExamLayout.vue'),
    props: true,
    children: [
      {
        path: '',
        name: 'admin-exam',
        component: () => import('@/pages/admin/exam/AdminExamOverviewPage.vue'),
        props: true,
        meta: { title: 'exam.overview.title' },
      },
      {
        path: 'bareme',
        name: 'admin-exam-scale',
        component: () => import('@/pages/admin/exam/AdminGradingScalePage.vue'),
        props: true,
        meta: { title: 'scale.title' },
      },
      {
        path: 'correcteurs',
        name: 'admin-exam-correctors',
        component: () => import('@/pages/admin/exam/AdminCorrectorsPage.vue'),
        props: true,
        meta: { title: 'correctors.title' },
      },
      {
        path: 'copies',
        name: 'admin-exam-copies',
        component: () => import('@/pages/admin/exam/AdminExamCopiesPage.vue'),
        props: true,
        meta: { title: 'copies.title' },
      },
      {
        path: 'numerisation',
        name: 'admin-exam-scans',
        component: () => import('@/pages/admin/scans/AdminScansPage.vue'),
        props: true,
        meta: { title: 'scans.title' },
      },
      {
        path: 'decoupage',
        name: 'admin-exam-split',
        component: () => import('@/pages/admin/scans/AdminSplitReviewPage.vue'),
        props: true,
        meta: { title: 'split.title' },
      },
      {
        path: 'identification',
        name: 'admin-exam-identification',
        component: () => import('@/pages/admin/scans/AdminIdentificationDeskPage.vue'),
        props: true,
        meta: { title: 'desk.title' },
      },
      {
        path: 'journal',
        name: 'admin-exam-file-activity',
        component: () => import('@/pages/admin/exam/AdminExamFileActivityPage.vue'),
        props: true,
        meta: { title: 'fileActivity.title' },
      },
    ],
  },
  {
    path: 'utilisateurs',
    name: 'admin-users',
    component: () => import('@/pages/admin/AdminUsersPage.vue'),
    meta: { title: 'users.title' },
  },
  {
    path: 'eleves',
    name: 'admin-students',
    component: () => import('@/pages/admin/AdminStudentsPage.vue'),
    meta: { title: 'students.title' },
  },
  {
    path: 'eleves/import',
    name: 'admin-roster-import',
    component: () => import('@/pages/admin/AdminRosterImportPage.vue'),
    meta: { title: 'roster.title' },
  },
  { path: 'verrous', name: 'admin-locks', component: () => import('@/pages/admin/AdminLockBoardPage.vue'), meta: { title: 'locks.title' } },
  {
    path: 'systeme',
    name: 'admin-system',
    component: () => import('@/pages/admin/AdminSystemPage.vue'),
    meta: { title: 'copyActions.system.title' },
  },
  { path: 'audit', name: 'admin-audit', component: () => import('@/pages/admin/AdminAuditPage.vue'), meta: { title: 'audit.title' } },
  {
    path: 'audit/:copyId',
    name: 'admin-copy-audit',
    component: () => import('@/pages/admin/AdminCopyAuditPage.vue'),
    props: true,
    meta: { title: 'audit.copy.title' },
  },
];
