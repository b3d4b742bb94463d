import { Typography } from 'antd';

export interface WidgetAppearance {
  color?: string;
  title?: string;
  subtitle?: string;
}

/** The widget's own defaults (widget/src/styles.ts, widget/src/i18n.ts), where an account sets none. */
const DEFAULTS = { color: '#c2410c', title: '在线客服', subtitle: '通常几秒内回复' };
const DEFAULT_GREETING = '您好！欢迎光临，有什么可以帮您？';

/**
 * The widget's open window, drawn as it will look with these colours and words: it changes as the
 * form is typed. The greeting is the bot's (its settings, not the channel's), shown as the widget says it.
 */
export function WidgetPreview({
  appearance,
  greeting = DEFAULT_GREETING,
}: {
  appearance: WidgetAppearance | undefined;
  greeting?: string;
}) {
  const look = { ...DEFAULTS, ...Object.fromEntries(Object.entries(appearance ?? {}).filter(([, v]) => v)) };
  return (
    <div className="widget-preview" role="img" aria-label="挂件预览">
      <div className="widget-preview-header" style={{ background: look.color }}>
        <Typography.Text strong style={{ color: '#fff' }}>
          {look.title}
        </Typography.Text>
        <Typography.Text style={{ color: '#fff', fontSize: 12 }}>{look.subtitle}</Typography.Text>
      </div>
      <div className="widget-preview-body">
        <span className="widget-preview-bubble">{greeting}</span>
      </div>
      <div className="widget-preview-launcher" style={{ background: look.color }} />
    </div>
  );
}

/** The snippet a company pastes into its pages (docs/channels.md, "Embedding the widget"). */
export function embedSnippet(publicId: string): string {
  return `<script src="${window.location.origin}/widget.js" data-kefu-id="${publicId}" async></script>`;
}
