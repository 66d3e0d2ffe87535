// Build-time settings Vite inlines (`VITE_*` from the environment or dashboard/.env*).
interface ImportMetaEnv {
  /** The web push certificate's public key (Firebase console → Cloud Messaging → Web Push certificates). */
  readonly VITE_FCM_VAPID_KEY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
