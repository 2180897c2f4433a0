/**
 * The studio panel (Swing + FlatLaf) shared by the standalone app and the plugin editor. It talks to the engine only
 * through render requests, results and progress; it knows nothing of plugin hosts. Built under the studio issue.
 */
package org.aceforge.ui;
