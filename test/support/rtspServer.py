# An RTSP server as IP cameras have one, built from GStreamer's gst-rtsp-server (Debian's
# gir1.2-gst-rtsp-server-1.0): H.264 video and G.711 A-law audio, as most cameras send.
# Usage: rtspServer.py PORT COLOUR_HEX GOP_FRAMES; serves rtsp://127.0.0.1:PORT/cam and
# prints "ready" once it listens. Runs until killed.
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

port, colour, gop = sys.argv[1], sys.argv[2], sys.argv[3]
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    '( videotestsrc is-live=true pattern=solid-color foreground-color=0xff' + colour + ' '
    '! video/x-raw,width=640,height=360,framerate=30/1 '
    '! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=' + gop + ' bitrate=800 '
    '! rtph264pay name=pay0 pt=96 config-interval=1 '
    'audiotestsrc is-live=true freq=1000 volume=0.4 ! audioconvert ! audioresample '
    '! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8 )'
)
factory.set_shared(True)
server.get_mount_points().add_factory('/cam', factory)
if server.attach(None) == 0:
    sys.exit('cannot listen on 127.0.0.1:' + port)
print('ready', flush=True)
GLib.MainLoop().run()
