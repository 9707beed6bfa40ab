/**
 * Every scenario worker reads the run's settings before a test file loads: the site's own sellers
 * file (`sellersFile`) replaces the bundled one before any fixture is read.
 */
import { runSettings } from '../../stack/run-settings.ts';

runSettings();
