/** The changes an admin makes to a staff account from the users list. */
export type UserAction = 'role' | 'deactivate' | 'reactivate' | 'reset';
