// Runs once, before any function is defined: the Admin SDK app and the options every function shares.
import { initializeApp } from "firebase-admin/app";
import { setGlobalOptions } from "firebase-functions/v2/options";

initializeApp();
setGlobalOptions({ region: "us-central1", maxInstances: 20 });
