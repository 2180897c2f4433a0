package org.aceforge.ui.studio;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSpinner;
import javax.swing.SpinnerNumberModel;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Service settings: model folder, DiT variant, device, LM, offload, INT8, LoRA and the UI language, with the
 * report after initialisation. Persisted in {@link StudioSettings}. EDT only.
 */
final class SettingsDialog extends JDialog {
    SettingsDialog(StudioWindow w) {
        super(w, I18n.t("settings.title"), true);
        StudioSettings s = w.settings;
        JTextField model = new JTextField(s.modelDir, 30);
        JButton browse = new JButton("…");
        browse.addActionListener(e -> {
            JFileChooser fc = new JFileChooser();
            fc.setFileSelectionMode(JFileChooser.DIRECTORIES_ONLY);
            if (fc.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) model.setText(fc.getSelectedFile().getPath());
        });
        JComboBox<String> variant = new JComboBox<>(java.util.Arrays.stream(org.aceforge.engine.model.ModelPack.Variant.values())
                .map(org.aceforge.engine.model.ModelPack.Variant::id).toArray(String[]::new));
        variant.setSelectedItem(s.variant);
        JComboBox<String> device = new JComboBox<>(new String[]{"auto", "cpu", "cuda"});
        device.setSelectedItem(s.device);
        java.util.List<String> lms = w.installedLms();
        JComboBox<String> lm = new JComboBox<>();
        lm.setName("lm");
        lm.addItem("auto");
        lms.forEach(lm::addItem);
        lm.addItem("none");
        lm.setSelectedItem(s.lm);
        lm.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index, boolean sel, boolean focus) {
                String text = "auto".equals(value) ? I18n.t(lms.isEmpty() ? "settings.lmNone" : "settings.lmAuto")
                        : "none".equals(value) ? I18n.t("settings.lmOff") : "acestep-5Hz-lm-" + value;
                return super.getListCellRendererComponent(list, text, index, sel, focus);
            }
        });
        if (lms.isEmpty()) lm.setToolTipText(I18n.t("mode.needsLm"));
        JSpinner temperature = new JSpinner(new SpinnerNumberModel(s.lmTemperature, 0.0, 2.0, 0.05));
        JSpinner cfg = new JSpinner(new SpinnerNumberModel(s.lmCfg, 1.0, 10.0, 0.1));
        JSpinner topK = new JSpinner(new SpinnerNumberModel(s.lmTopK, 0, 1000, 1));
        JSpinner topP = new JSpinner(new SpinnerNumberModel(s.lmTopP, 0.01, 1.0, 0.01));
        JTextField negative = new JTextField(s.lmNegative, 24);
        JCheckBox cotMetas = new JCheckBox(I18n.t("settings.cotMetas"), s.cotMetas);
        JCheckBox cotLanguage = new JCheckBox(I18n.t("settings.cotLanguage"), s.cotLanguage);
        JCheckBox autoScore = new JCheckBox(I18n.t("settings.autoScore"), s.autoScore);
        autoScore.setName("autoScore");
        autoScore.setToolTipText(I18n.t("settings.autoScore.tip"));
        JCheckBox lmDebug = new JCheckBox(I18n.t("settings.lmDebug"), s.lmDebug);
        lmDebug.setName("lmDebug");
        lmDebug.setToolTipText(I18n.t("settings.lmDebug.tip"));
        JCheckBox autoLrc = new JCheckBox(I18n.t("settings.autoLrc"), s.autoLrc);
        autoLrc.setName("autoLrc");
        autoLrc.setToolTipText(I18n.t("settings.autoLrc.tip"));
        temperature.setName("lmTemperature");
        cfg.setName("lmCfg");
        topK.setName("lmTopK");
        topP.setName("lmTopP");
        negative.setName("lmNegative");
        JCheckBox offload = new JCheckBox(I18n.t("settings.offload"), s.offload);
        JCheckBox int8 = new JCheckBox(I18n.t("settings.int8"), s.int8);
        int8.setName("int8");
        int8.setToolTipText(I18n.t("settings.int8.tip"));
        JTextField lora = new JTextField(s.lora, 24);
        lora.setName("lora");
        lora.setToolTipText(I18n.t("settings.lora.tip"));
        JButton loraBrowse = new JButton("…");
        loraBrowse.addActionListener(e -> {
            JFileChooser fc = new JFileChooser();
            fc.setFileSelectionMode(JFileChooser.DIRECTORIES_ONLY);
            if (fc.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) lora.setText(fc.getSelectedFile().getPath());
        });
        JCheckBox useLora = new JCheckBox(I18n.t("settings.useLora"), s.useLora);
        useLora.setName("useLora");
        JSpinner loraScale = new JSpinner(new SpinnerNumberModel(s.loraScale, 0.0, 4.0, 0.05));
        loraScale.setName("loraScale");
        JComboBox<String> language = new JComboBox<>(new String[]{"en", "zh", "ja"});
        language.setName("language");
        // Each language by its own name, whatever the UI's language: English, 中文, 日本語.
        ModePanel.named(language, "language.self.");
        language.setSelectedItem(s.language);
        JTextArea report = new JTextArea(5, 50);
        report.setEditable(false);
        JButton init = new JButton(I18n.t("settings.initialise"));
        init.addActionListener(e -> report.setText(tierReport(model.getText(), String.valueOf(variant.getSelectedItem()))
                + System.lineSeparator() + String.format(I18n.t("settings.reportLm"), lms.isEmpty() ? I18n.t("settings.lmNone") : String.join(", ", lms),
                org.aceforge.engine.runtime.OrtRuntime.device())));

        JPanel form = new JPanel(new GridLayout(0, 2, 6, 4));
        form.setBorder(BorderFactory.createEmptyBorder(10, 10, 10, 10));
        JPanel modelRow = new JPanel(new BorderLayout());
        modelRow.add(model, BorderLayout.CENTER);
        modelRow.add(browse, BorderLayout.EAST);
        form.add(new JLabel(I18n.t("settings.model")));
        form.add(modelRow);
        // What the folder in use holds, its check and Get models: the same dialog as the toolbar's Models….
        JButton openModels = new JButton(I18n.t("toolbar.models"));
        openModels.setName("openModels");
        openModels.addActionListener(e -> w.showModels());
        form.add(new JLabel(I18n.t("models.title")));
        form.add(openModels);
        form.add(new JLabel(I18n.t("settings.variant")));
        form.add(variant);
        form.add(new JLabel(I18n.t("settings.device")));
        form.add(device);
        form.add(new JLabel(I18n.t("settings.lm")));
        form.add(lm);
        form.add(offload);
        form.add(int8);
        form.add(new JLabel(I18n.t("settings.lora")));
        JPanel loraRow = new JPanel(new BorderLayout());
        loraRow.add(lora, BorderLayout.CENTER);
        loraRow.add(loraBrowse, BorderLayout.EAST);
        form.add(loraRow);
        form.add(useLora);
        JPanel scaleRow = new JPanel(new BorderLayout(6, 0));
        scaleRow.add(new JLabel(I18n.t("settings.loraScale")), BorderLayout.WEST);
        scaleRow.add(loraScale, BorderLayout.CENTER);
        form.add(scaleRow);
        form.add(new JLabel(I18n.t("settings.language")));
        form.add(language);
        JTextField renderFolder = new JTextField(s.renders().toString(), 30);
        renderFolder.setName("renderFolder");
        renderFolder.setToolTipText(I18n.t("settings.renderFolder.tip"));
        form.add(new JLabel(I18n.t("settings.renderFolder")));
        form.add(renderFolder);
        JPanel lmForm = new JPanel(new GridLayout(0, 2, 6, 4));
        lmForm.setBorder(BorderFactory.createTitledBorder(I18n.t("settings.lmOptions")));
        lmForm.add(new JLabel(I18n.t("settings.lmTemperature")));
        lmForm.add(temperature);
        lmForm.add(new JLabel(I18n.t("settings.lmCfg")));
        lmForm.add(cfg);
        lmForm.add(new JLabel(I18n.t("settings.lmTopK")));
        lmForm.add(topK);
        lmForm.add(new JLabel(I18n.t("settings.lmTopP")));
        lmForm.add(topP);
        lmForm.add(new JLabel(I18n.t("settings.lmNegative")));
        lmForm.add(negative);
        lmForm.add(cotMetas);
        lmForm.add(cotLanguage);
        lmForm.add(autoScore);
        lmForm.add(lmDebug);
        form.add(autoLrc);
        form.add(new JLabel(""));
        for (java.awt.Component c : lmForm.getComponents()) c.setEnabled(!lms.isEmpty());
        // Render on: this computer, or an AceForge server (URL and key), with a Test that asks the server.
        JComboBox<String> renderOn = new JComboBox<>(new String[]{"local", "server"});
        renderOn.setName("renderOn");
        ModePanel.named(renderOn, "settings.renderOn.");
        renderOn.setSelectedItem(s.renderOn.isBlank() ? "local" : "server");
        JTextField serverUrl = new JTextField(s.renderOn, 24);
        serverUrl.setName("serverUrl");
        serverUrl.setToolTipText(I18n.t("settings.serverUrl.tip"));
        javax.swing.JPasswordField serverKey = new javax.swing.JPasswordField(s.serverKey, 16);
        serverKey.setName("serverKey");
        JButton testServer = new JButton(I18n.t("settings.testServer"));
        testServer.setName("testServer");
        JLabel problem = new JLabel(" ");
        problem.setName("settingsProblem");
        problem.setForeground(new java.awt.Color(0xE0, 0x50, 0x50));
        Runnable remoteEnabled = () -> {
            boolean on = "server".equals(renderOn.getSelectedItem());
            serverUrl.setEnabled(on);
            serverKey.setEnabled(on);
            testServer.setEnabled(on);
        };
        renderOn.addActionListener(e -> remoteEnabled.run());
        remoteEnabled.run();
        testServer.addActionListener(e -> {
            org.aceforge.client.ServerAddress address = address(serverUrl, serverKey, problem);
            if (address == null) return;
            report.setText(String.format(I18n.t("settings.testing"), address));
            Thread t = new Thread(() -> {
                String said;
                try {
                    said = org.aceforge.client.RemoteRenderer.check(address);
                } catch (org.aceforge.client.ServerException x) {
                    said = String.format(I18n.t("settings.serverRefused"), address, x.getMessage());
                } catch (java.io.IOException x) {
                    said = String.format(I18n.t("settings.serverUnreachable"), address, x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage());
                } catch (InterruptedException x) {
                    return;
                }
                String line = said;
                javax.swing.SwingUtilities.invokeLater(() -> report.setText(line));
            }, "aceforge-server-check");
            t.setDaemon(true);
            t.start();
        });
        JPanel remote = new JPanel(new GridLayout(0, 2, 6, 4));
        remote.setBorder(BorderFactory.createTitledBorder(I18n.t("settings.renderOn")));
        remote.add(new JLabel(I18n.t("settings.renderOn")));
        remote.add(renderOn);
        remote.add(new JLabel(I18n.t("settings.serverUrl")));
        remote.add(serverUrl);
        remote.add(new JLabel(I18n.t("settings.serverKey")));
        JPanel keyRow = new JPanel(new BorderLayout(6, 0));
        keyRow.add(serverKey, BorderLayout.CENTER);
        keyRow.add(testServer, BorderLayout.EAST);
        remote.add(keyRow);
        JPanel center = new JPanel(new BorderLayout());
        JPanel north = new JPanel(new BorderLayout());
        north.add(remote, BorderLayout.CENTER);
        north.add(problem, BorderLayout.SOUTH);
        center.add(north, BorderLayout.NORTH);
        center.add(form, BorderLayout.CENTER);
        center.add(lmForm, BorderLayout.SOUTH);
        JPanel south = new JPanel(new BorderLayout());
        south.add(init, BorderLayout.WEST);
        south.add(new javax.swing.JScrollPane(report), BorderLayout.SOUTH);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        JButton ok = new JButton(I18n.t("settings.ok")), cancel = new JButton(I18n.t("settings.cancel"));
        ok.addActionListener(e -> {
            boolean onServer = "server".equals(renderOn.getSelectedItem());
            if (onServer && address(serverUrl, serverKey, problem) == null) return;   // the dialog stays, the field named
            s.renderOn = onServer ? serverUrl.getText().strip() : "";
            s.serverKey = new String(serverKey.getPassword()).strip();
            s.modelDir = model.getText().strip();
            String folder = renderFolder.getText().strip();
            s.renderFolder = folder.equals(new StudioSettings().renders().toString()) ? "" : folder;
            s.variant = String.valueOf(variant.getSelectedItem());
            boolean deviceChanged = !s.device.equals(device.getSelectedItem());
            s.device = String.valueOf(device.getSelectedItem());
            s.offload = offload.isSelected();
            s.int8 = int8.isSelected();
            s.lora = lora.getText().strip();
            s.useLora = useLora.isSelected();
            s.loraScale = (Double) loraScale.getValue();
            s.lm = String.valueOf(lm.getSelectedItem());
            s.lmTemperature = (Double) temperature.getValue();
            s.lmCfg = (Double) cfg.getValue();
            s.lmTopK = (Integer) topK.getValue();
            s.lmTopP = (Double) topP.getValue();
            s.lmNegative = negative.getText().isBlank() ? "NO USER INPUT" : negative.getText().strip();
            s.cotMetas = cotMetas.isSelected();
            s.cotLanguage = cotLanguage.isSelected();
            s.autoScore = autoScore.isSelected();
            s.autoLrc = autoLrc.isSelected();
            s.lmDebug = lmDebug.isSelected();
            boolean languageChanged = !s.language.equals(language.getSelectedItem());
            s.language = String.valueOf(language.getSelectedItem());
            w.saveSettings();
            w.applyModelAvailability();
            if (languageChanged) I18n.retranslate(w, s.language);
            // ONNX Runtime picks its device once per process (sessions are built for it).
            if (deviceChanged) w.message(String.format(I18n.t("settings.deviceRestart"), s.device));
            dispose();
        });
        cancel.addActionListener(e -> dispose());
        buttons.add(ok);
        buttons.add(cancel);
        south.add(buttons, BorderLayout.EAST);
        getContentPane().add(center, BorderLayout.CENTER);
        getContentPane().add(south, BorderLayout.SOUTH);
        pack();
        setLocationRelativeTo(w);
    }

    /** The typed server address, or null with the problem shown under the field's name. */
    private static org.aceforge.client.ServerAddress address(JTextField url, javax.swing.JPasswordField key, JLabel problem) {
        try {
            org.aceforge.client.ServerAddress a = org.aceforge.client.ServerAddress.parse(url.getText(), new String(key.getPassword()));
            problem.setText(" ");
            return a;
        } catch (IllegalArgumentException x) {
            problem.setText(I18n.t("settings.serverUrl") + ": " + x.getMessage());
            url.requestFocusInWindow();
            return null;
        }
    }

    /** What this machine can do with the chosen models (spec §5.1 tiers; CPU has no VRAM limit but RAM). */
    static String tierReport(String modelDir, String variant) {
        long ram = Runtime.getRuntime().maxMemory() >> 20;
        int cores = Runtime.getRuntime().availableProcessors();
        boolean folder = !modelDir.isBlank() && Files.isDirectory(Path.of(modelDir));
        return String.format(I18n.t("settings.report"), cores, ram, variant,
                folder ? modelDir : I18n.t("status.defaultModels"), 600, 8);
    }
}
