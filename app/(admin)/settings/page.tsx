// /settings is the admin's home: it opens on the Channels tab.
export { default } from './channels/page';
